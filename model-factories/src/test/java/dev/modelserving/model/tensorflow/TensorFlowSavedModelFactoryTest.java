package dev.modelserving.model.tensorflow;

import static dev.modelserving.model.tensorflow.TensorFlowGraphFactoryTest.assertProblem;
import static dev.modelserving.model.tensorflow.TfDescriptors.classifier;
import static dev.modelserving.model.tensorflow.TfDescriptors.descriptor;
import static dev.modelserving.model.tensorflow.TfDescriptors.inputs;
import static dev.modelserving.model.tensorflow.TfDescriptors.record;
import static dev.modelserving.model.tensorflow.TfDescriptors.regressor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.archive.TestArchiveBuilder;
import dev.modelserving.model.archive.TestArchiveBuilder.Format;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFlowSavedModelFactoryTest {

    private static final double TOLERANCE = 1e-5;

    @TempDir
    static Path exports;

    private static Path defaultSignature;
    private static Path predictOnly;
    private static Path twoSignatures;

    /** Where the factory unpacks archives: must be empty whenever no model is open. */
    @TempDir
    Path unpackRoot;

    @BeforeAll
    static void export() {
        defaultSignature = TfTestModels.savedModel(exports.resolve("default"), "serving_default");
        predictOnly = TfTestModels.savedModel(exports.resolve("predict-only"), "predict");
        twoSignatures = TfTestModels.savedModelWithTwoSignatures(exports.resolve("two"));
    }

    private ModelLoader loader(LoadPolicy policy) {
        return new ModelLoader(ModelFactories.of(List.of(new TensorFlowSavedModelFactory(unpackRoot))), policy);
    }

    private ModelLoader loader() {
        return loader(LoadPolicy.defaults());
    }

    private static ModelDescriptor.Builder savedModelDescriptor(byte[] archive) {
        return descriptor(ModelType.TENSORFLOW_SAVED_MODEL, archive);
    }

    private static void assertProbabilities(Model model, long seed) throws Exception {
        for (double[] x : inputs(15, seed)) {
            Prediction p = model.score(record(x));
            double[] expected = TfTestModels.probabilities(x);
            assertThat(p.outputs()).hasSize(2);
            assertThat(p.outputs()[0]).isCloseTo(expected[0], within(TOLERANCE));
            assertThat(p.outputs()[1]).isCloseTo(expected[1], within(TOLERANCE));
        }
    }

    @Test
    void zipArchiveWithTheDefaultSignatureAndInferredKeys() throws Exception {
        ModelDescriptor d = savedModelDescriptor(TfTestModels.zip(defaultSignature, ""))
                .setOutput(OutputSpec.newBuilder().setKind(OutputKind.RAW_VECTOR))
                .build();
        try (Model model = loader().load(d)) {
            assertProbabilities(model, 21);
            assertThat(model.id().type()).isEqualTo("TENSORFLOW_SAVED_MODEL");
            assertThat(unpackRoot).isNotEmptyDirectory();
        }
        assertThat(unpackRoot).isEmptyDirectory();
    }

    @Test
    void tarGzArchiveWithTheModelInsideOneTopLevelFolder() throws Exception {
        ModelDescriptor d = savedModelDescriptor(TfTestModels.tarGz(defaultSignature, "my_model/"))
                .setOutput(OutputSpec.newBuilder()
                        .setKind(OutputKind.CLASSIFICATION)
                        .addAllLabels(TfTestModels.CLASS_NAMES))
                .build();
        try (Model model = loader().load(d)) {
            for (double[] x : inputs(15, 22)) {
                Prediction p = model.score(record(x));
                assertThat(p.label()).isEqualTo(TfTestModels.CLASS_NAMES.get(TfTestModels.predictedClass(x)));
                assertThat(p.probabilities().get("overheating"))
                        .isCloseTo(TfTestModels.probabilities(x)[1], within(TOLERANCE));
            }
        }
        assertThat(unpackRoot).isEmptyDirectory();
    }

    @Test
    void plainTarArchiveAndExplicitKeys() throws Exception {
        ModelDescriptor d = savedModelDescriptor(TfTestModels.tar(defaultSignature, ""))
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(TfTestModels.FEATURE_NAMES)
                        .setSignatureKey("serving_default")
                        .setTensorName(TfTestModels.INPUT))
                .setOutput(OutputSpec.newBuilder().addTensorNames(TfTestModels.PROBABILITIES))
                .build();
        try (Model model = loader().load(d)) {
            assertProbabilities(model, 23);
        }
    }

    @Test
    void theOnlySignatureIsUsedEvenWithANonDefaultKey() throws Exception {
        ModelDescriptor d =
                savedModelDescriptor(TfTestModels.zip(predictOnly, "")).build();
        try (Model model = loader().load(d)) {
            assertProbabilities(model, 24);
        }
    }

    @Test
    void aNonDefaultSignatureIsSelectedByKeyWithItsLabelOutput() throws Exception {
        byte[] archive = TfTestModels.zip(twoSignatures, "");
        ModelDescriptor classify = savedModelDescriptor(archive)
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(TfTestModels.FEATURE_NAMES)
                        .setSignatureKey("predict"))
                .setOutput(classifier(TfTestModels.PROBABILITIES).setLabelTensorName(TfTestModels.CLASS_INDEX))
                .build();
        ModelDescriptor regress = savedModelDescriptor(archive)
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(TfTestModels.FEATURE_NAMES)
                        .setSignatureKey("regress"))
                .setOutput(OutputSpec.newBuilder().setKind(OutputKind.REGRESSION))
                .build();
        try (Model classifier = loader().load(classify);
                Model regressor = loader().load(regress)) {
            for (double[] x : inputs(15, 25)) {
                assertThat(classifier.score(record(x)).label())
                        .isEqualTo(TfTestModels.CLASS_NAMES.get(TfTestModels.predictedClass(x)));
                assertThat(regressor.score(record(x)).outputs()[0]).isCloseTo(TfTestModels.score(x), within(TOLERANCE));
            }
        }
        assertThat(unpackRoot).isEmptyDirectory();
    }

    @Test
    void aDirectoryUnderAnAllowedRootIsLoadedInPlaceAndKept() throws Exception {
        LoadPolicy policy = LoadPolicy.defaults().withAllowedRoots(List.of(exports));
        ModelDescriptor d = savedModelDescriptor(new byte[0])
                .clearArtifactBytes()
                .setArtifactLocation(defaultSignature.toString())
                .build();
        List<Path> before = listTree(defaultSignature);
        try (Model model = loader(policy).load(d)) {
            assertProbabilities(model, 26);
        }
        assertThat(listTree(defaultSignature)).isEqualTo(before);
        assertThat(unpackRoot).isEmptyDirectory();
    }

    @Test
    void aDirectoryOutsideTheAllowedRootsIsRefused(@TempDir Path elsewhere) {
        LoadPolicy policy = LoadPolicy.defaults().withAllowedRoots(List.of(elsewhere));
        ModelDescriptor d = savedModelDescriptor(new byte[0])
                .clearArtifactBytes()
                .setArtifactLocation(defaultSignature.toString())
                .build();
        assertProblem(() -> loader(policy).load(d), ModelProblem.LOCATION_NOT_ALLOWED, "outside the allowed roots");
    }

    @Test
    void aDirectoryWithASymbolicLinkLeavingItIsRefused(@TempDir Path root) throws IOException {
        Path model = root.resolve("model");
        Files.createDirectories(model);
        Files.copy(defaultSignature.resolve("saved_model.pb"), model.resolve("saved_model.pb"));
        Files.createSymbolicLink(model.resolve("variables"), defaultSignature.resolve("variables"));
        LoadPolicy policy = LoadPolicy.defaults().withAllowedRoots(List.of(root));
        ModelDescriptor d = savedModelDescriptor(new byte[0])
                .clearArtifactBytes()
                .setArtifactLocation(model.toString())
                .build();
        assertProblem(() -> loader(policy).load(d), ModelProblem.UNSAFE_ARCHIVE, "'variables'", "symbolic link");
    }

    // ------------------------------------------------------------------ bad artifacts and specs

    @Test
    void anUnknownSignatureKeyIsASpecMismatchListingTheSignatures() {
        ModelDescriptor d = savedModelDescriptor(TfTestModels.zip(twoSignatures, ""))
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(TfTestModels.FEATURE_NAMES)
                        .setSignatureKey("serve"))
                .build();
        assertProblem(() -> loader().load(d), ModelProblem.SPEC_MISMATCH, "no signature 'serve'", "[predict, regress]");
        assertThat(unpackRoot)
                .as("the unpacked archive is deleted after a failed load")
                .isEmptyDirectory();
    }

    @Test
    void severalSignaturesWithoutServingDefaultNeedAKey() {
        ModelDescriptor d =
                savedModelDescriptor(TfTestModels.zip(twoSignatures, "")).build();
        assertProblem(() -> loader().load(d), ModelProblem.SPEC_MISMATCH, "2 signatures [predict, regress]");
        assertThat(unpackRoot).isEmptyDirectory();
    }

    @Test
    void severalOutputsAndNoneNamedIsASpecMismatchListingTheKeys() {
        ModelDescriptor d = savedModelDescriptor(TfTestModels.zip(twoSignatures, ""))
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(TfTestModels.FEATURE_NAMES)
                        .setSignatureKey("predict"))
                .build();
        assertProblem(
                () -> loader().load(d),
                ModelProblem.SPEC_MISMATCH,
                "output.tensor_names is empty",
                "[class_index, probabilities]");
    }

    @Test
    void unknownInputAndOutputKeysAreSpecMismatchesListingTheAvailableOnes() {
        byte[] archive = TfTestModels.zip(defaultSignature, "");
        ModelDescriptor input = savedModelDescriptor(archive)
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(TfTestModels.FEATURE_NAMES)
                        .setTensorName("x"))
                .build();
        assertProblem(() -> loader().load(input), ModelProblem.SPEC_MISMATCH, "no input 'x'", "[features]");
        ModelDescriptor output =
                savedModelDescriptor(archive).setOutput(regressor("scores")).build();
        assertProblem(() -> loader().load(output), ModelProblem.SPEC_MISMATCH, "no output 'scores'", "[probabilities]");
        ModelDescriptor label = savedModelDescriptor(archive)
                .setOutput(OutputSpec.newBuilder().setLabelTensorName(TfTestModels.CLASS_INDEX))
                .build();
        assertProblem(() -> loader().load(label), ModelProblem.SPEC_MISMATCH, "no output 'class_index'");
        assertThat(unpackRoot).isEmptyDirectory();
    }

    @Test
    void inputShapeMismatchNamesBothShapes() {
        ModelDescriptor d = savedModelDescriptor(TfTestModels.zip(defaultSignature, ""))
                .setInput(InputSpec.newBuilder().addAllFeatureNames(List.of("a", "b")))
                .build();
        assertProblem(
                () -> loader().load(d),
                ModelProblem.SPEC_MISMATCH,
                "signature 'serving_default' input 'features'",
                "[-1, 3]",
                "[2]");
        assertThat(unpackRoot).isEmptyDirectory();
    }

    @Test
    void anArchiveWithoutASavedModelIsAnInvalidArtifact() {
        byte[] archive =
                TestArchiveBuilder.of(Format.ZIP).file("README.txt", "hello").build();
        assertProblem(
                () -> loader().load(savedModelDescriptor(archive).build()),
                ModelProblem.INVALID_ARTIFACT,
                "no saved_model.pb",
                "[README.txt]");
        assertThat(unpackRoot).isEmptyDirectory();
    }

    @Test
    void aCorruptSavedModelIsAnInvalidArtifact() {
        byte[] garbage = new byte[4096];
        new Random(5).nextBytes(garbage);
        byte[] archive = TestArchiveBuilder.of(Format.TAR_GZ)
                .file("saved_model.pb", garbage)
                .build();
        assertProblem(
                () -> loader().load(savedModelDescriptor(archive).build()),
                ModelProblem.INVALID_ARTIFACT,
                "cannot load the SavedModel");
        assertThat(unpackRoot).isEmptyDirectory();
    }

    @Test
    void bytesThatAreNoArchiveAreAnInvalidArtifact() {
        byte[] random = new byte[1000];
        new Random(9).nextBytes(random);
        random[0] = 0x42;
        assertProblem(
                () -> loader().load(savedModelDescriptor(random).build()),
                ModelProblem.INVALID_ARTIFACT,
                "not a zip, tar or tar.gz");
        assertProblem(
                () -> loader().load(
                                savedModelDescriptor(TfTestModels.frozenGraph()).build()),
                ModelProblem.INVALID_ARTIFACT,
                "not a zip, tar or tar.gz");
    }

    @Test
    void unsafeArchivesAreRefusedAndLeaveNothingBehind() {
        byte[] traversal = TestArchiveBuilder.of(Format.TAR_GZ)
                .tree(defaultSignature, "")
                .file("../escaped.pb", "x")
                .build();
        assertProblem(
                () -> loader().load(savedModelDescriptor(traversal).build()),
                ModelProblem.UNSAFE_ARCHIVE,
                "'../escaped.pb'");
        byte[] link = TestArchiveBuilder.of(Format.ZIP)
                .tree(defaultSignature, "")
                .symlink("assets", "/etc")
                .build();
        assertProblem(
                () -> loader().load(savedModelDescriptor(link).build()),
                ModelProblem.UNSAFE_ARCHIVE,
                "'assets'",
                "symbolic link");
        assertThat(unpackRoot).isEmptyDirectory();
        assertThat(unpackRoot.resolveSibling("escaped.pb")).doesNotExist();
    }

    @Test
    void archivesOverThePolicysUnpackLimitAreRefused() {
        byte[] archive = TfTestModels.zip(defaultSignature, "");
        LoadPolicy tight = LoadPolicy.defaults().withMaxUnpackedBytes(1024);
        assertProblem(
                () -> loader(tight).load(savedModelDescriptor(archive).build()),
                ModelProblem.ARTIFACT_TOO_LARGE,
                "more than 1024 bytes");
        LoadPolicy fewEntries = LoadPolicy.defaults().withMaxArchiveEntries(2);
        assertProblem(
                () -> loader(fewEntries).load(savedModelDescriptor(archive).build()),
                ModelProblem.ARTIFACT_TOO_LARGE,
                "more than 2 entries");
        assertThat(unpackRoot).isEmptyDirectory();
    }

    private static List<Path> listTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.sorted().toList();
        }
    }
}
