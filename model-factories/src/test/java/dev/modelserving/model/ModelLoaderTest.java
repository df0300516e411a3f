package dev.modelserving.model;

import static dev.modelserving.model.TestDescriptors.constant;
import static dev.modelserving.model.TestDescriptors.record;
import static dev.modelserving.model.TestDescriptors.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelLoaderTest {

    private final ConstantModelFactory factory = new ConstantModelFactory();
    private final ModelLoader loader = new ModelLoader(ModelFactories.of(List.of(factory)), LoadPolicy.defaults());

    @Test
    void loadsValidatesAndScores() throws Exception {
        ModelDescriptor d =
                constant("2.5").addValidationSamples(sample(3.5, 1.0)).build();
        try (Model model = loader.load(d)) {
            assertThat(model.score(record(1.0, 2.0)).outputs()).containsExactly(5.5);
            assertThat(model.id().name()).isEqualTo("constant");
            assertThat(model.id().version()).isEqualTo(1);
            assertThat(model.id().type()).isEqualTo("CONSTANT");
            assertThat(model.id().sha256()).isEqualTo(Checksums.sha256Hex("2.5".getBytes()));
        }
        assertThat(factory.openModels()).isZero();
    }

    @Test
    void failedValidationNamesTheSampleAndClosesTheModel() {
        ModelDescriptor d = constant("2.5")
                .addValidationSamples(sample(3.5, 1.0))
                .addValidationSamples(sample(9, 1.0))
                .build();
        assertThatThrownBy(() -> loader.load(d))
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.VALIDATION_FAILED))
                .hasMessageContaining("validation sample 1")
                .hasMessageContaining("3.5")
                .hasMessageContaining("expected 9.0");
        assertThat(factory.openModels()).isZero();
    }

    @Test
    void sampleThatCannotBeScoredFailsValidation() {
        ModelDescriptor d =
                constant("1").addValidationSamples(sample(1, Double.NaN)).build();
        assertThatThrownBy(() -> loader.load(d))
                .hasMessageContaining("VALIDATION_FAILED")
                .hasMessageContaining("NaN feature");
        assertThat(factory.openModels()).isZero();
    }

    @Test
    void toleranceIsRelativeAboveOne() throws Exception {
        // 1000 * 1e-4 = 0.1 allowed
        loader.load(constant("1000").addValidationSamples(sample(1000.09)).build())
                .close();
        assertThatThrownBy(() -> loader.load(
                        constant("1000").addValidationSamples(sample(1000.2)).build()))
                .hasMessageContaining("VALIDATION_FAILED");
        loader.load(constant("1")
                        .setValidationTolerance(0.5)
                        .addValidationSamples(sample(1.4))
                        .build())
                .close();
    }

    @Test
    void descriptorChecksNameTheMissingField() {
        assertProblem(constant("1").setName(""), ModelProblem.INVALID_DESCRIPTOR, "no name");
        assertProblem(constant("1").setDataType(""), ModelProblem.INVALID_DESCRIPTOR, "no data_type");
        assertProblem(constant("1").setVersion(0), ModelProblem.INVALID_DESCRIPTOR, "versions start at 1");
        assertProblem(constant("1").setAction(ModelAction.REMOVE), ModelProblem.INVALID_DESCRIPTOR, "REMOVE");
        assertProblem(
                constant("1").setModelType(ModelType.MODEL_TYPE_UNSPECIFIED),
                ModelProblem.UNKNOWN_MODEL_TYPE,
                "no model_type");
        assertProblem(constant("1").setCustomType("NOPE"), ModelProblem.UNKNOWN_MODEL_TYPE, "'NOPE'");
        assertProblem(constant("1").clearArtifactBytes(), ModelProblem.INVALID_DESCRIPTOR, "neither artifact_bytes");
        assertProblem(constant("x"), ModelProblem.INVALID_ARTIFACT, "not a number");
    }

    @Test
    void checksumMismatchIsRefused() {
        assertProblem(
                constant("1").setArtifactSha256("00".repeat(32)),
                ModelProblem.CHECKSUM_MISMATCH,
                "descriptor says " + "00".repeat(32));
        assertThat(factory.openModels()).isZero();
    }

    @Test
    void policyCanRequireSamples() {
        ModelLoader strict = new ModelLoader(
                ModelFactories.of(List.of(factory)), LoadPolicy.defaults().withRequireValidationSamples(true));
        assertThatThrownBy(() -> strict.load(constant("1").build())).hasMessageContaining("no validation samples");
    }

    @Test
    void discoveryFindsServiceLoaderFactories() throws Exception {
        ModelLoader discovered = ModelLoader.withDiscoveredFactories(LoadPolicy.defaults());
        assertThat(discovered.factories().types())
                .contains(ConstantModelFactory.TYPE, "PMML", "ONNX", "TENSORFLOW_GRAPH", "TENSORFLOW_SAVED_MODEL");
        try (Model model = discovered.load(constant("4").build())) {
            assertThat(model.score(record()).outputs()).containsExactly(4.0);
        }
    }

    private void assertProblem(ModelDescriptor.Builder d, ModelProblem problem, String text) {
        assertThatThrownBy(() -> loader.load(d.build()))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(problem))
                .hasMessageContaining(text);
    }
}
