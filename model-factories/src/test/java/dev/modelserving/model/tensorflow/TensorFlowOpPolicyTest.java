package dev.modelserving.model.tensorflow;

import static dev.modelserving.model.tensorflow.TensorFlowGraphFactoryTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TensorFlow graphs that read or write files or print are refused before TensorFlow imports or loads them, and
 * the file they target is never written. Each test also loads the same graph with the op explicitly allowed and sees
 * the effect happen: the graphs really do what the policy is there to stop.
 */
class TensorFlowOpPolicyTest {

    private static final double[] X = {1.0, 2.0, 4.0};
    private static final String SECRET = "not for models\n";

    @TempDir
    Path dir;

    private static ModelDescriptor descriptor(ModelType type, byte[] artifact) {
        return TfDescriptors.descriptor(type, artifact)
                .setOutput(TfDescriptors.regressor(HostileTfModels.SCORE))
                .build();
    }

    private static Model frozen(byte[] graph, LoadPolicy policy) throws Exception {
        return new TensorFlowGraphFactory()
                .create(descriptor(ModelType.TENSORFLOW_GRAPH, graph), ModelArtifact.ofBytes(graph), policy);
    }

    private Model saved(Path savedModel, LoadPolicy policy) throws Exception {
        byte[] archive = TfTestModels.zip(savedModel, "");
        Path unpackRoot = Files.createDirectories(dir.resolve("unpack"));
        return new TensorFlowSavedModelFactory(unpackRoot)
                .create(descriptor(ModelType.TENSORFLOW_SAVED_MODEL, archive), ModelArtifact.ofBytes(archive), policy);
    }

    private Path secret() throws Exception {
        return Files.writeString(dir.resolve("secret.txt"), SECRET);
    }

    private static LoadPolicy allowing(String... ops) {
        return LoadPolicy.defaults().withExtraAllowedTfOps(List.of(ops));
    }

    @Test
    void aFrozenGraphWhoseOutputReadsAFileIsRefusedAtLoad() throws Exception {
        Path secret = secret();
        byte[] graph = HostileTfModels.readFileGraph(secret);
        assertProblem(
                () -> frozen(graph, LoadPolicy.defaults()),
                ModelProblem.DISALLOWED_OPERATION,
                "[ReadFile]",
                "ReadFile ('ReadFile' in graph)",
                "--allow-tf-ops");
        // The same graph, allowed: its output carries the file's length.
        try (Model model = frozen(graph, allowing("ReadFile"))) {
            assertThat(model.score(TfDescriptors.record(X)).outputs()[0])
                    .isCloseTo(7.0 + SECRET.length(), within(1e-6));
        }
    }

    @Test
    void readingAFileThroughAControlInputIsRefusedToo() throws Exception {
        assertProblem(
                () -> frozen(HostileTfModels.readFileControlGraph(secret()), LoadPolicy.defaults()),
                ModelProblem.DISALLOWED_OPERATION,
                "[ReadFile]");
    }

    @Test
    void aFrozenGraphThatPrintsIsRefused() throws Exception {
        byte[] graph = HostileTfModels.printGraph();
        assertProblem(() -> frozen(graph, LoadPolicy.defaults()), ModelProblem.DISALLOWED_OPERATION, "[PrintV2]");
        try (Model model = frozen(graph, allowing("PrintV2"))) {
            assertThat(model.score(TfDescriptors.record(X)).outputs()[0]).isCloseTo(7.0, within(1e-6));
        }
    }

    @Test
    void aWriteFileInsideALibraryFunctionIsRefusedAndNothingIsWritten() throws Exception {
        Path target = dir.resolve("written-by-scoring.txt");
        byte[] graph = HostileTfModels.writeFileInFunctionGraph(target);
        assertProblem(
                () -> frozen(graph, LoadPolicy.defaults()),
                ModelProblem.DISALLOWED_OPERATION,
                "[WriteFile]",
                "in function '");
        assertThat(target).doesNotExist();
        try (Model model = frozen(graph, allowing("WriteFile"))) {
            assertThat(model.score(TfDescriptors.record(X)).outputs()[0]).isCloseTo(7.0, within(1e-6));
        }
        assertThat(target).hasContent("written by a model");
    }

    @Test
    void aSavedModelWhoseSignatureReadsAFileIsRefusedBeforeTensorFlowLoadsIt() throws Exception {
        Path secret = secret();
        Path savedModel = HostileTfModels.readFileSavedModel(dir.resolve("tf1-read"), secret);
        assertProblem(
                () -> saved(savedModel, LoadPolicy.defaults()),
                ModelProblem.DISALLOWED_OPERATION,
                "signature 'serving_default'",
                "[ReadFile]");
        try (Model model = saved(savedModel, allowing("ReadFile"))) {
            assertThat(model.score(TfDescriptors.record(X)).outputs()[0])
                    .isCloseTo(7.0 + SECRET.length(), within(1e-6));
        }
    }

    @Test
    void aSavedModelWhoseSignatureCallsAFunctionThatReadsAFileIsRefused() throws Exception {
        Path savedModel = HostileTfModels.readFileInFunctionSavedModel(dir.resolve("fn-read"), secret());
        assertProblem(
                () -> saved(savedModel, LoadPolicy.defaults()),
                ModelProblem.DISALLOWED_OPERATION,
                "[ReadFile]",
                "in function '");
    }

    @Test
    void aSavedModelWhoseInitOpWritesAFileIsRefusedAndTheFileIsNotWritten() throws Exception {
        Path target = dir.resolve("written-at-load.txt");
        Path savedModel = HostileTfModels.writeFileInitSavedModel(dir.resolve("init-write"), target);
        // Exporting ran the init op once in this test; the loads below must not.
        Files.deleteIfExists(target);
        assertProblem(
                () -> saved(savedModel, LoadPolicy.defaults()),
                ModelProblem.DISALLOWED_OPERATION,
                "init op",
                "[WriteFile]");
        assertThat(target).doesNotExist();
        try (Model model = saved(savedModel, allowing("WriteFile"))) {
            assertThat(model.score(TfDescriptors.record(X)).outputs()[0]).isCloseTo(7.0, within(1e-6));
        }
        assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo("written at load");
    }

    @Test
    void theProjectsOwnModelsPassTheDefaultPolicy() throws Exception {
        try (Model model = frozen(TfTestModels.frozenGraph(), LoadPolicy.defaults())) {
            assertThat(model.score(TfDescriptors.record(X)).outputs()[0])
                    .isCloseTo(TfTestModels.score(X), within(1e-5));
        }
        Path savedModel = TfTestModels.savedModel(dir.resolve("mlp"), "serving_default");
        byte[] archive = TfTestModels.zip(savedModel, "");
        Path unpackRoot = Files.createDirectories(dir.resolve("unpack-mlp"));
        ModelDescriptor d = TfDescriptors.descriptor(ModelType.TENSORFLOW_SAVED_MODEL, archive)
                .setOutput(TfDescriptors.classifier(TfTestModels.PROBABILITIES))
                .build();
        try (Model model = new TensorFlowSavedModelFactory(unpackRoot)
                .create(d, ModelArtifact.ofBytes(archive), LoadPolicy.defaults())) {
            assertThat(model.score(TfDescriptors.record(X)).outputs()[1])
                    .isCloseTo(TfTestModels.probabilities(X)[1], within(1e-5));
        }
    }

    /** A small CNN (Conv2D, BiasAdd, FusedBatchNormV3, Relu, MaxPoolV2, AvgPool) and a While loop pass the policy. */
    @Test
    void convolutionalAndLoopingGraphsPassTheDefaultPolicy() throws Exception {
        byte[] cnn = TypicalTfGraphs.cnn();
        ModelDescriptor cnnDescriptor = TfDescriptors.descriptor(ModelType.TENSORFLOW_GRAPH, cnn)
                .setInput(dev.modelserving.proto.InputSpec.newBuilder().setTensorName(TfTestModels.INPUT))
                .setOutput(TfDescriptors.regressor(TypicalTfGraphs.OUTPUT))
                .build();
        try (Model model =
                new TensorFlowGraphFactory().create(cnnDescriptor, ModelArtifact.ofBytes(cnn), LoadPolicy.defaults())) {
            DataRecord.Builder ones = DataRecord.newBuilder().setId("ones");
            for (int i = 0; i < 16; i++) {
                ones.addVector(1f);
            }
            assertThat(model.score(ones.build()).outputs()[0]).isFinite();
        }
        byte[] loop = TypicalTfGraphs.whileLoop();
        ModelDescriptor loopDescriptor = TfDescriptors.descriptor(ModelType.TENSORFLOW_GRAPH, loop)
                .setOutput(TfDescriptors.regressor(TypicalTfGraphs.OUTPUT))
                .build();
        try (Model model = new TensorFlowGraphFactory()
                .create(loopDescriptor, ModelArtifact.ofBytes(loop), LoadPolicy.defaults())) {
            // sum(x) doubled three times by the loop body.
            assertThat(model.score(TfDescriptors.record(X)).outputs()[0]).isCloseTo(7.0 * 8, within(1e-6));
        }
    }

    @Test
    void theAllowlistHoldsComputationalOpsAndNoFileOrSystemOp() {
        for (String op : List.of(
                "MatMul",
                "Conv2D",
                "MaxPool",
                "AvgPool",
                "FusedBatchNormV3",
                "Relu",
                "Softmax",
                "StatefulPartitionedCall",
                "While",
                "TensorListReserve",
                "ReadVariableOp",
                "DecodeCSV")) {
            assertThat(TfOpPolicy.builtIn(op)).as(op).isTrue();
        }
        for (String op : List.of(
                "ReadFile",
                "WriteFile",
                "MatchingFiles",
                "Save",
                "SaveV2",
                "Restore",
                "RestoreV2",
                "RestoreSlice",
                "MergeV2Checkpoints",
                "PrintV2",
                "Print",
                "ImmutableConst",
                "PyFunc",
                "EagerPyFunc",
                "ShardedFilename",
                "TFRecordReaderV2",
                "TextLineDataset",
                "IteratorGetNext",
                "MakeIterator",
                "InitializeTableFromTextFileV2",
                "FIFOQueueV2",
                "RemoteCall")) {
            assertThat(TfOpPolicy.builtIn(op)).as(op).isFalse();
        }
    }
}
