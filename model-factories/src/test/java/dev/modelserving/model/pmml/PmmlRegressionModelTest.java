package dev.modelserving.model.pmml;

import static dev.modelserving.model.pmml.PmmlDescriptors.create;
import static dev.modelserving.model.pmml.PmmlDescriptors.descriptor;
import static dev.modelserving.model.pmml.PmmlDescriptors.mapping;
import static dev.modelserving.model.pmml.PmmlDescriptors.record;
import static dev.modelserving.model.pmml.PmmlDocuments.IRIS_INTERCEPT;
import static dev.modelserving.model.pmml.PmmlDocuments.IRIS_PETAL_LENGTH_COEFFICIENT;
import static dev.modelserving.model.pmml.PmmlDocuments.IRIS_REGRESSION;
import static dev.modelserving.model.pmml.PmmlDocuments.IRIS_SEPAL_LENGTH_COEFFICIENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.Prediction;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A RegressionModel with exporter-style field names, scored through explicit and implicit field mappings. */
class PmmlRegressionModelTest {

    private static final double[][] FLOWERS = {{5.1, 1.4}, {7.0, 4.7}, {6.3, 6.0}, {4.3, 1.1}, {0.0, 0.0}};

    private static double petalWidth(double sepalLength, double petalLength) {
        return IRIS_INTERCEPT
                + IRIS_SEPAL_LENGTH_COEFFICIENT * sepalLength
                + IRIS_PETAL_LENGTH_COEFFICIENT * petalLength;
    }

    @Test
    void explicitMappingFeedsSpacedFieldNamesFromRecordFeatures() throws Exception {
        ModelDescriptor d = descriptor("iris", IRIS_REGRESSION)
                .setInput(InputSpec.newBuilder()
                        .addFieldMapping(mapping("sepal_length", "sepal length (cm)"))
                        .addFieldMapping(mapping("petal_length", "petal length (cm)")))
                .build();
        try (PmmlModel model = create(d)) {
            assertThat(model.recordFeatureByField())
                    .containsExactly(
                            Map.entry("sepal length (cm)", "sepal_length"),
                            Map.entry("petal length (cm)", "petal_length"));
            assertThat(model.targetField()).isEqualTo("petal width (cm)");
            assertThat(model.isClassifier()).isFalse();
            for (double[] flower : FLOWERS) {
                // Only the two mapped features: the unused DataDictionary field "sepal width (cm)" is not required.
                Prediction p = model.score(record(Map.of("sepal_length", flower[0], "petal_length", flower[1])));
                assertThat(p.label()).isNull();
                assertThat(p.probabilities()).isEmpty();
                assertThat(p.outputs()).hasSize(1);
                assertThat(p.outputs()[0]).isCloseTo(petalWidth(flower[0], flower[1]), within(1e-12));
            }
        }
    }

    @Test
    void withoutMappingEachFieldIsFedByItsOwnName() throws Exception {
        try (PmmlModel model = create(descriptor("iris", IRIS_REGRESSION).build())) {
            assertThat(model.recordFeatureByField())
                    .containsExactly(
                            Map.entry("sepal length (cm)", "sepal length (cm)"),
                            Map.entry("petal length (cm)", "petal length (cm)"));
            for (double[] flower : FLOWERS) {
                Prediction p = model.score(record(Map.of(
                        "sepal length (cm)",
                        flower[0],
                        "petal length (cm)",
                        flower[1],
                        // Extra record features are ignored.
                        "sepal_length",
                        1000.0,
                        "sepal width (cm)",
                        1000.0)));
                assertThat(p.outputs()[0]).isCloseTo(petalWidth(flower[0], flower[1]), within(1e-12));
            }
        }
    }

    @Test
    void mappingSomeFieldsLeavesTheOthersToTheirOwnNames() throws Exception {
        ModelDescriptor d = descriptor("iris", IRIS_REGRESSION)
                .setInput(InputSpec.newBuilder().addFieldMapping(mapping("petal_length", "petal length (cm)")))
                .build();
        try (PmmlModel model = create(d)) {
            // The mapped field reads "petal_length", not a record feature that happens to carry the field's name.
            Prediction p = model.score(
                    record(Map.of("sepal length (cm)", 6.0, "petal_length", 5.0, "petal length (cm)", -99.0)));
            assertThat(p.outputs()[0]).isCloseTo(petalWidth(6.0, 5.0), within(1e-12));
        }
    }

    @Test
    void mappingToAFieldTheModelDoesNotUseIsASpecMismatchListingTheInputs() {
        for (String field : new String[] {"petal length", "sepal width (cm)", "petal width (cm)"}) {
            ModelDescriptor d = descriptor("iris", IRIS_REGRESSION)
                    .setInput(InputSpec.newBuilder()
                            .addFieldMapping(mapping("sepal_length", "sepal length (cm)"))
                            .addFieldMapping(mapping("x", field)))
                    .build();
            assertThatThrownBy(() -> create(d))
                    .isInstanceOfSatisfying(
                            ModelLoadException.class,
                            e -> assertThat(e.problem()).isEqualTo(ModelProblem.SPEC_MISMATCH))
                    .hasMessageContaining("'" + field + "'")
                    .hasMessageContaining("['sepal length (cm)', 'petal length (cm)']");
        }
    }

    @Test
    void twoFeaturesMappedToOneFieldIsASpecMismatch() {
        ModelDescriptor d = descriptor("iris", IRIS_REGRESSION)
                .setInput(InputSpec.newBuilder()
                        .addFieldMapping(mapping("a", "sepal length (cm)"))
                        .addFieldMapping(mapping("b", "sepal length (cm)")))
                .build();
        assertThatThrownBy(() -> create(d))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(ModelProblem.SPEC_MISMATCH))
                .hasMessageContaining("'a'")
                .hasMessageContaining("'b'")
                .hasMessageContaining("'sepal length (cm)'");
    }

    @Test
    void unknownTargetFieldIsASpecMismatchListingTheTargets() {
        for (String target : new String[] {"petal width", "sepal length (cm)"}) {
            ModelDescriptor d = descriptor("iris", IRIS_REGRESSION)
                    .setOutput(OutputSpec.newBuilder().setTargetField(target))
                    .build();
            assertThatThrownBy(() -> create(d))
                    .isInstanceOfSatisfying(
                            ModelLoadException.class,
                            e -> assertThat(e.problem()).isEqualTo(ModelProblem.SPEC_MISMATCH))
                    .hasMessageContaining("'" + target + "'")
                    .hasMessageContaining("['petal width (cm)']");
        }
    }

    @Test
    void namedTargetFieldIsReported() throws Exception {
        ModelDescriptor d = descriptor("iris", IRIS_REGRESSION)
                .setOutput(OutputSpec.newBuilder()
                        .setTargetField("petal width (cm)")
                        .setKind(OutputKind.REGRESSION))
                .build();
        try (PmmlModel model = create(d)) {
            assertThat(model.targetField()).isEqualTo("petal width (cm)");
        }
    }

    @Test
    void classificationKindOnAContinuousTargetIsASpecMismatch() {
        ModelDescriptor d = descriptor("iris", IRIS_REGRESSION)
                .setOutput(OutputSpec.newBuilder().setKind(OutputKind.CLASSIFICATION))
                .build();
        assertThatThrownBy(() -> create(d))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(ModelProblem.SPEC_MISMATCH))
                .hasMessageContaining("CLASSIFICATION")
                .hasMessageContaining("'petal width (cm)' is continuous");
    }
}
