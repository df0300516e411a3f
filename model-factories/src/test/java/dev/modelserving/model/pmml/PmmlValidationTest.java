package dev.modelserving.model.pmml;

import static dev.modelserving.model.pmml.PmmlDescriptors.descriptor;
import static dev.modelserving.model.pmml.PmmlDescriptors.loader;
import static dev.modelserving.model.pmml.PmmlDescriptors.mapping;
import static dev.modelserving.model.pmml.PmmlDescriptors.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.ValidationSample;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PMML models through {@link dev.modelserving.model.ModelLoader}: validation samples decide. */
class PmmlValidationTest {

    private static final InputSpec IRIS_MAPPING = InputSpec.newBuilder()
            .addFieldMapping(mapping("sepal_length", "sepal length (cm)"))
            .addFieldMapping(mapping("petal_length", "petal length (cm)"))
            .build();

    private static ValidationSample irisSample(double sepalLength, double petalLength, double expected) {
        return ValidationSample.newBuilder()
                .setInput(record(Map.of("sepal_length", sepalLength, "petal_length", petalLength)))
                .addExpectedOutputs(expected)
                .build();
    }

    private static double petalWidth(double sepalLength, double petalLength) {
        return -0.3 - 0.21 * sepalLength + 0.53 * petalLength;
    }

    @Test
    void correctSamplesPass() throws Exception {
        ModelDescriptor d = descriptor("iris", PmmlDocuments.IRIS_REGRESSION)
                .setInput(IRIS_MAPPING)
                .addValidationSamples(irisSample(5.1, 1.4, petalWidth(5.1, 1.4)))
                .addValidationSamples(irisSample(6.7, 5.2, petalWidth(6.7, 5.2)))
                .build();
        try (Model model = loader().load(d)) {
            assertThat(model.id().type()).isEqualTo("PMML");
            assertThat(model.id().name()).isEqualTo("iris");
            assertThat(model.id().sha256()).hasSize(64);
        }
    }

    @Test
    void aWrongExpectedValueFailsValidation() {
        ModelDescriptor d = descriptor("iris", PmmlDocuments.IRIS_REGRESSION)
                .setInput(IRIS_MAPPING)
                .addValidationSamples(irisSample(5.1, 1.4, petalWidth(5.1, 1.4)))
                .addValidationSamples(irisSample(6.7, 5.2, petalWidth(6.7, 5.2) + 0.01))
                .build();
        assertThatThrownBy(() -> loader().load(d))
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.VALIDATION_FAILED))
                .hasMessageContaining("validation sample 1");
    }

    @Test
    void classifierSamplesCheckLabelAndProbabilities() throws Exception {
        ValidationSample hotSlowFan = ValidationSample.newBuilder()
                .setInput(record(Map.of("temperature", 75.0, "fan rpm", 1000.0)))
                .setExpectedLabel("2")
                .addExpectedOutputs(0.1)
                .addExpectedOutputs(0.3)
                .addExpectedOutputs(0.6)
                .build();
        ModelDescriptor good = descriptor("alarm", PmmlDocuments.MACHINE_ALARM_TREE)
                .addValidationSamples(hotSlowFan)
                .build();
        try (Model model = loader().load(good)) {
            assertThat(model.score(hotSlowFan.getInput()).label()).isEqualTo("2");
        }
        ModelDescriptor wrongLabel = descriptor("alarm", PmmlDocuments.MACHINE_ALARM_TREE)
                .addValidationSamples(hotSlowFan.toBuilder().setExpectedLabel("2.0"))
                .build();
        assertThatThrownBy(() -> loader().load(wrongLabel))
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.VALIDATION_FAILED))
                .hasMessageContaining("label is 2, expected 2.0");
    }

    @Test
    void undefinedFieldLoadsButFailsValidationNamingTheField() {
        ModelDescriptor d = descriptor("ghost", PmmlDocuments.UNDEFINED_FIELD_REGRESSION)
                .addValidationSamples(ValidationSample.newBuilder()
                        .setInput(record(Map.of("x", 1.0)))
                        .addExpectedOutputs(3.0))
                .build();
        assertThatThrownBy(() -> loader().load(d))
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.VALIDATION_FAILED))
                .hasMessageContaining("ghost");
    }

    @Test
    void specMismatchesSurfaceThroughTheLoader() {
        ModelDescriptor unknownField = descriptor("iris", PmmlDocuments.IRIS_REGRESSION)
                .setInput(InputSpec.newBuilder().addFieldMapping(mapping("sepal_length", "sepal_length")))
                .build();
        assertThatThrownBy(() -> loader().load(unknownField))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(ModelProblem.SPEC_MISMATCH))
                .hasMessageContaining("'sepal_length'")
                .hasMessageContaining("'sepal length (cm)'");
        ModelDescriptor unknownTarget = descriptor("iris", PmmlDocuments.IRIS_REGRESSION)
                .setOutput(OutputSpec.newBuilder().setTargetField("species"))
                .build();
        assertThatThrownBy(() -> loader().load(unknownTarget))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(ModelProblem.SPEC_MISMATCH))
                .hasMessageContaining("'species'")
                .hasMessageContaining("'petal width (cm)'");
    }

    @Test
    void theDocumentsOwnModelVerificationIsChecked() throws Exception {
        try (Model model = loader().load(descriptor("iris", PmmlDocuments.irisWithVerification(-0.29))
                .build())) {
            assertThat(model.id().name()).isEqualTo("iris");
        }
        ModelDescriptor wrong =
                descriptor("iris", PmmlDocuments.irisWithVerification(0.5)).build();
        assertThatThrownBy(() -> loader().load(wrong))
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.VALIDATION_FAILED))
                .hasMessageContaining("ModelVerification");
    }
}
