package dev.modelserving.model.tensorflow;

import static dev.modelserving.model.tensorflow.TfDescriptors.classifier;
import static dev.modelserving.model.tensorflow.TfDescriptors.descriptor;
import static dev.modelserving.model.tensorflow.TfDescriptors.inputs;
import static dev.modelserving.model.tensorflow.TfDescriptors.record;
import static dev.modelserving.model.tensorflow.TfDescriptors.regressor;
import static dev.modelserving.model.tensorflow.TfDescriptors.vectorRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.ValidationSample;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

class TensorFlowGraphFactoryTest {

    private static final double TOLERANCE = 1e-5;

    private static byte[] graph;

    private final ModelLoader loader =
            new ModelLoader(ModelFactories.of(List.of(new TensorFlowGraphFactory())), LoadPolicy.defaults());

    @BeforeAll
    static void buildGraph() {
        graph = TfTestModels.frozenGraph();
    }

    private static ModelDescriptor.Builder graphDescriptor(byte[] bytes) {
        return descriptor(ModelType.TENSORFLOW_GRAPH, bytes);
    }

    @Test
    void regressionScoresEqualThePlainJavaForwardPass() throws Exception {
        ModelDescriptor d =
                graphDescriptor(graph).setOutput(regressor(TfTestModels.SCORE)).build();
        try (Model model = loader.load(d)) {
            for (double[] x : inputs(25, 11)) {
                Prediction p = model.score(record(x));
                assertThat(p.outputs()).hasSize(1);
                assertThat(p.outputs()[0]).isCloseTo(TfTestModels.score(x), within(TOLERANCE));
                assertThat(p.isClassification()).isFalse();
            }
        }
    }

    @Test
    void classificationGivesTheArgmaxLabelAndTheProbabilities() throws Exception {
        ModelDescriptor d = graphDescriptor(graph)
                .setOutput(classifier(TfTestModels.PROBABILITIES))
                .build();
        int[] perClass = new int[2];
        try (Model model = loader.load(d)) {
            for (double[] x : inputs(40, 12)) {
                Prediction p = model.score(record(x));
                double[] expected = TfTestModels.probabilities(x);
                int expectedClass = TfTestModels.predictedClass(x);
                perClass[expectedClass]++;
                assertThat(p.label()).isEqualTo(TfTestModels.CLASS_NAMES.get(expectedClass));
                assertThat(p.probabilities().keySet()).containsExactlyElementsOf(TfTestModels.CLASS_NAMES);
                assertThat(p.probabilities().get("normal")).isCloseTo(expected[0], within(TOLERANCE));
                assertThat(p.probabilities().get("overheating")).isCloseTo(expected[1], within(TOLERANCE));
            }
        }
        assertThat(perClass).as("both classes occur in the test inputs").doesNotContain(0);
    }

    @Test
    void labelTensorsGiveTheModelsOwnLabelAsIndexOrString() throws Exception {
        ModelDescriptor byIndex = graphDescriptor(graph)
                .setOutput(classifier(TfTestModels.PROBABILITIES).setLabelTensorName(TfTestModels.CLASS_INDEX))
                .build();
        ModelDescriptor byName = graphDescriptor(graph)
                .setOutput(OutputSpec.newBuilder()
                        .addTensorNames(TfTestModels.PROBABILITIES)
                        .setKind(OutputKind.CLASSIFICATION)
                        .setLabelTensorName(TfTestModels.CLASS_NAME + ":0"))
                .build();
        try (Model indexModel = loader.load(byIndex);
                Model nameModel = loader.load(byName)) {
            for (double[] x : inputs(20, 13)) {
                String expected = TfTestModels.CLASS_NAMES.get(TfTestModels.predictedClass(x));
                assertThat(indexModel.score(record(x)).label()).isEqualTo(expected);
                Prediction named = nameModel.score(record(x));
                assertThat(named.label()).isEqualTo(expected);
                // No labels in the spec: probabilities are keyed by class index.
                assertThat(named.probabilities()).containsOnlyKeys("0", "1");
            }
        }
    }

    @Test
    void integerOutputsAreReadAsDoubles() throws Exception {
        ModelDescriptor d = graphDescriptor(graph)
                .setOutput(OutputSpec.newBuilder().addTensorNames(TfTestModels.CLASS_INDEX))
                .build();
        try (Model model = loader.load(d)) {
            for (double[] x : inputs(10, 14)) {
                assertThat(model.score(record(x)).outputs()).containsExactly(TfTestModels.predictedClass(x));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"features", "features:0", " features:0 "})
    void inputTensorNamesWithAndWithoutIndex(String name) throws Exception {
        ModelDescriptor d = graphDescriptor(graph)
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(TfTestModels.FEATURE_NAMES)
                        .setTensorName(name))
                .setOutput(regressor("score:0"))
                .build();
        double[] x = {1.5, -0.5, 2.0};
        try (Model model = loader.load(d)) {
            assertThat(model.score(record(x)).outputs()[0]).isCloseTo(TfTestModels.score(x), within(TOLERANCE));
        }
    }

    @Test
    void theOnlyPlaceholderIsTheInputWhenNoneIsNamed() throws Exception {
        ModelDescriptor d =
                graphDescriptor(graph).setOutput(regressor(TfTestModels.SCORE)).build();
        assertThat(d.getInput().getTensorName()).isEmpty();
        double[] x = {0.25, 1.0, -3.0};
        try (Model model = loader.load(d)) {
            assertThat(model.score(record(x)).outputs()[0]).isCloseTo(TfTestModels.score(x), within(TOLERANCE));
        }
    }

    @Test
    void doubleInputsAreConvertedAndInt32OutputsRead() throws Exception {
        byte[] doubleGraph = TfTestModels.frozenGraph(TFloat64.class, Shape.of(-1, 3));
        ModelDescriptor d = graphDescriptor(doubleGraph)
                .setOutput(classifier(TfTestModels.PROBABILITIES).setLabelTensorName(TfTestModels.CLASS_INDEX))
                .build();
        try (Model model = loader.load(d)) {
            for (double[] x : inputs(10, 15)) {
                Prediction p = model.score(record(x));
                assertThat(p.outputs()[1]).isCloseTo(TfTestModels.probabilities(x)[1], within(1e-9));
                assertThat(p.label()).isEqualTo(TfTestModels.CLASS_NAMES.get(TfTestModels.predictedClass(x)));
            }
        }
    }

    @Test
    void placeholdersWithoutBatchDimensionOrWithUnknownRankAreFed() throws Exception {
        double[] x = {2.0, 0.5, -1.0};
        for (Shape shape : Arrays.asList(Shape.of(3), null)) {
            ModelDescriptor d = graphDescriptor(TfTestModels.frozenGraph(TFloat32.class, shape))
                    .setOutput(regressor(TfTestModels.SCORE))
                    .build();
            try (Model model = loader.load(d)) {
                assertThat(model.score(record(x)).outputs()[0])
                        .as("placeholder shape %s", shape)
                        .isCloseTo(TfTestModels.score(x), within(TOLERANCE));
            }
        }
    }

    @Test
    void packedVectorsAreFedWhenNoFeatureIsNamed() throws Exception {
        ModelDescriptor d = graphDescriptor(graph)
                .clearInput()
                .setOutput(regressor(TfTestModels.SCORE))
                .build();
        double[] x = {-1.0, 2.5, 0.75};
        try (Model model = loader.load(d)) {
            assertThat(model.score(vectorRecord(x)).outputs()[0]).isCloseTo(TfTestModels.score(x), within(TOLERANCE));
            // A vector of the wrong length is this record's problem, not the model's: it keeps serving.
            assertThatThrownBy(() -> model.score(vectorRecord(new double[] {1, 2, 3, 4})))
                    .isInstanceOf(ScoringException.class)
                    .hasMessageContaining("[-1, 3]")
                    .hasMessageContaining("[4]");
            assertThat(model.score(vectorRecord(x)).outputs()[0]).isCloseTo(TfTestModels.score(x), within(TOLERANCE));
        }
    }

    @Test
    void tensorFlowFailuresOnARecordAreScoringExceptions() throws Exception {
        // Unknown rank: the shape is only checked inside the graph (reshape to [-1, 3]).
        ModelDescriptor d = graphDescriptor(TfTestModels.frozenGraph(TFloat32.class, null))
                .clearInput()
                .setOutput(regressor(TfTestModels.SCORE))
                .build();
        double[] x = {-1.0, 2.5, 0.75};
        try (Model model = loader.load(d)) {
            assertThatThrownBy(() -> model.score(vectorRecord(new double[] {1, 2, 3, 4})))
                    .isInstanceOf(ScoringException.class)
                    .hasMessageContaining("TensorFlow could not score record 'v'");
            assertThat(model.score(vectorRecord(x)).outputs()[0]).isCloseTo(TfTestModels.score(x), within(TOLERANCE));
        }
    }

    @Test
    void validationSamplesAreCheckedThroughTheLoader() {
        double[] x = {1.0, 1.0, 1.0};
        ModelDescriptor good = graphDescriptor(graph)
                .setOutput(regressor(TfTestModels.SCORE))
                .addValidationSamples(
                        ValidationSample.newBuilder().setInput(record(x)).addExpectedOutputs(TfTestModels.score(x)))
                .build();
        ModelDescriptor bad = good.toBuilder()
                .setValidationSamples(
                        0, good.getValidationSamples(0).toBuilder().setExpectedOutputs(0, TfTestModels.score(x) + 0.5))
                .build();
        try (Model model = load(good)) {
            assertThat(model.id().type()).isEqualTo("TENSORFLOW_GRAPH");
        }
        assertProblem(() -> loader.load(bad), ModelProblem.VALIDATION_FAILED, "output 0");
    }

    @Test
    void closeIsIdempotentAndAClosedModelRefusesToScore() throws Exception {
        Model model = loader.load(
                graphDescriptor(graph).setOutput(regressor(TfTestModels.SCORE)).build());
        model.close();
        model.close();
        assertThatThrownBy(() -> model.score(record(new double[] {1, 2, 3})))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    // ------------------------------------------------------------------ bad artifacts and specs

    @Test
    void randomBytesAreInvalidArtifacts() {
        for (long seed = 1; seed <= 5; seed++) {
            byte[] random = new byte[2048];
            new Random(seed).nextBytes(random);
            ModelDescriptor d = graphDescriptor(random)
                    .setOutput(regressor(TfTestModels.SCORE))
                    .build();
            assertProblem(() -> loader.load(d), ModelProblem.INVALID_ARTIFACT, "GraphDef");
        }
    }

    @Test
    void truncatedGraphDefIsAnInvalidArtifact() {
        byte[] truncated = Arrays.copyOf(graph, graph.length * 2 / 3);
        ModelDescriptor d = graphDescriptor(truncated)
                .setOutput(regressor(TfTestModels.SCORE))
                .build();
        assertProblem(() -> loader.load(d), ModelProblem.INVALID_ARTIFACT, "not a TensorFlow GraphDef");
    }

    @Test
    void emptyBytesAreRefusedBeforeTheNativeImport() {
        // TensorFlow's native import crashes the JVM on an empty GraphDef: the factory must refuse it first.
        ModelDescriptor d = graphDescriptor(new byte[0])
                .setOutput(regressor(TfTestModels.SCORE))
                .build();
        assertProblem(
                () -> new TensorFlowGraphFactory().create(d, ModelArtifact.ofBytes(new byte[0]), LoadPolicy.defaults()),
                ModelProblem.INVALID_ARTIFACT,
                "no nodes");
    }

    @Test
    void aDirectoryIsNotAGraph(@TempDir Path dir) {
        ModelDescriptor d =
                graphDescriptor(graph).setOutput(regressor(TfTestModels.SCORE)).build();
        assertProblem(
                () -> new TensorFlowGraphFactory().create(d, ModelArtifact.ofDirectory(dir), LoadPolicy.defaults()),
                ModelProblem.INVALID_ARTIFACT,
                "not a directory");
    }

    @Test
    void unknownInputTensorIsASpecMismatchListingThePlaceholders() {
        ModelDescriptor d = graphDescriptor(graph)
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(TfTestModels.FEATURE_NAMES)
                        .setTensorName("input"))
                .setOutput(regressor(TfTestModels.SCORE))
                .build();
        assertProblem(
                () -> loader.load(d),
                ModelProblem.SPEC_MISMATCH,
                "no tensor 'input' in the graph",
                "placeholders: [features]");
    }

    @Test
    void unknownOutputTensorIsASpecMismatchListingCandidates() {
        ModelDescriptor d =
                graphDescriptor(graph).setOutput(regressor("prediction")).build();
        assertProblem(
                () -> loader.load(d),
                ModelProblem.SPEC_MISMATCH,
                "no tensor 'prediction' in the graph",
                TfTestModels.SCORE,
                TfTestModels.PROBABILITIES);
    }

    @Test
    void outputIndexBeyondTheOperationsOutputsIsASpecMismatch() {
        ModelDescriptor d =
                graphDescriptor(graph).setOutput(regressor("score:1")).build();
        assertProblem(() -> loader.load(d), ModelProblem.SPEC_MISMATCH, "no tensor 'score:1'", "1 output(s)");
    }

    @Test
    void malformedTensorNameIsASpecMismatch() {
        ModelDescriptor d =
                graphDescriptor(graph).setOutput(regressor("score:x")).build();
        assertProblem(() -> loader.load(d), ModelProblem.SPEC_MISMATCH, "'score:x'");
    }

    @Test
    void unknownLabelTensorIsASpecMismatch() {
        ModelDescriptor d = graphDescriptor(graph)
                .setOutput(classifier(TfTestModels.PROBABILITIES).setLabelTensorName("label"))
                .build();
        assertProblem(() -> loader.load(d), ModelProblem.SPEC_MISMATCH, "no tensor 'label'", "label tensor");
    }

    @Test
    void graphsNeedTheirOutputsNamed() {
        ModelDescriptor d = graphDescriptor(graph).build();
        assertProblem(
                () -> loader.load(d), ModelProblem.SPEC_MISMATCH, "output.tensor_names is empty", TfTestModels.SCORE);
    }

    @Test
    void severalPlaceholdersAndNoInputNamedIsASpecMismatchListingThem() {
        ModelDescriptor d = graphDescriptor(TfTestModels.twoPlaceholderGraph())
                .setOutput(regressor("sum"))
                .build();
        assertProblem(() -> loader.load(d), ModelProblem.SPEC_MISMATCH, "2 placeholders [a, b]");
    }

    @Test
    void inputShapeThatDoesNotFitTheRecordsIsASpecMismatchNamingBothShapes() {
        ModelDescriptor d = graphDescriptor(graph)
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(TfTestModels.FEATURE_NAMES)
                        .addFeatureNames("extra"))
                .setOutput(regressor(TfTestModels.SCORE))
                .build();
        assertProblem(() -> loader.load(d), ModelProblem.SPEC_MISMATCH, "input tensor 'features:0'", "[-1, 3]", "[4]");

        ModelDescriptor wrongRank = graphDescriptor(graph)
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(TfTestModels.FEATURE_NAMES)
                        .addAllShape(List.of(1L, 1L, 3L)))
                .setOutput(regressor(TfTestModels.SCORE))
                .build();
        assertProblem(() -> loader.load(wrongRank), ModelProblem.SPEC_MISMATCH, "[-1, 3]", "[1, 1, 3]");
    }

    @Test
    void tensorsOfTypesTheModelCannotFeedOrReadAreSpecMismatches() {
        ModelDescriptor intInput = graphDescriptor(graph)
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(TfTestModels.FEATURE_NAMES)
                        .setTensorName(TfTestModels.CLASS_INDEX))
                .setOutput(regressor(TfTestModels.SCORE))
                .build();
        assertProblem(
                () -> loader.load(intInput),
                ModelProblem.SPEC_MISMATCH,
                "'class_index:0'",
                "DT_INT64",
                "float or double");
        ModelDescriptor stringOutput = graphDescriptor(graph)
                .setOutput(regressor(TfTestModels.CLASS_NAME))
                .build();
        assertProblem(() -> loader.load(stringOutput), ModelProblem.SPEC_MISMATCH, "'class_name:0'", "DT_STRING");
        ModelDescriptor floatLabel = graphDescriptor(graph)
                .setOutput(classifier(TfTestModels.PROBABILITIES).setLabelTensorName(TfTestModels.SCORE))
                .build();
        assertProblem(() -> loader.load(floatLabel), ModelProblem.SPEC_MISMATCH, "'score:0'", "int32, int64 or string");
    }

    private Model load(ModelDescriptor d) {
        try {
            return loader.load(d);
        } catch (ModelLoadException e) {
            throw new AssertionError("the model should load: " + e.getMessage(), e);
        }
    }

    static void assertProblem(ThrowingCallable call, ModelProblem problem, String... messageParts) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(problem))
                .hasMessageContainingAll(messageParts);
    }
}
