package dev.modelserving.model.pmml;

import static dev.modelserving.model.pmml.PmmlDescriptors.create;
import static dev.modelserving.model.pmml.PmmlDescriptors.descriptor;
import static dev.modelserving.model.pmml.PmmlDescriptors.loader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.FieldMapping;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ValidationSample;
import org.junit.jupiter.api.Test;

/** A PMML model with a categorical (string) input reads it from {@code DataRecord.categorical_features}. */
class PmmlCategoricalInputTest {

    private static DataRecord wine(double fixedAcidity, double alcohol, String colour) {
        DataRecord.Builder record = DataRecord.newBuilder()
                .setId("w")
                .putFeatures(WineQualityPmml.FIXED_ACIDITY, fixedAcidity)
                .putFeatures(WineQualityPmml.ALCOHOL, alcohol);
        if (colour != null) {
            record.putCategoricalFeatures(WineQualityPmml.COLOUR, colour);
        }
        return record.build();
    }

    @Test
    void categoricalValuesSelectTheirPredictorAndScoresAreExact() throws Exception {
        try (PmmlModel model =
                create(descriptor("wine", WineQualityPmml.document(null)).build())) {
            double[][] rows = {{7.4, 9.4}, {6.3, 10.5}, {11.2, 12.8}, {0.0, 0.0}};
            for (double[] row : rows) {
                for (String colour : new String[] {"red", "white"}) {
                    double expected = WineQualityPmml.quality(row[0], row[1], colour);
                    assertThat(model.score(wine(row[0], row[1], colour)).outputs()[0])
                            .as("%s wine %s", colour, java.util.Arrays.toString(row))
                            .isEqualTo(expected);
                }
            }
            // The two colours really differ by the white coefficient (a binding that ignored colour would not).
            assertThat(model.score(wine(7.0, 10.0, "white")).outputs()[0]
                            - model.score(wine(7.0, 10.0, "red")).outputs()[0])
                    .isCloseTo(0.42, org.assertj.core.api.Assertions.within(1e-12));
        }
    }

    @Test
    void aCategoricalFieldIsFedThroughAFieldMappingToo() throws Exception {
        ModelDescriptor d = descriptor("wine", WineQualityPmml.document(null))
                .setInput(InputSpec.newBuilder()
                        .addFieldMapping(FieldMapping.newBuilder()
                                .setRecordFeature("wine colour")
                                .setModelField(WineQualityPmml.COLOUR)))
                .build();
        try (PmmlModel model = create(d)) {
            DataRecord record = DataRecord.newBuilder()
                    .putFeatures(WineQualityPmml.FIXED_ACIDITY, 8.0)
                    .putFeatures(WineQualityPmml.ALCOHOL, 11.0)
                    .putCategoricalFeatures("wine colour", "white")
                    .build();
            assertThat(model.score(record).outputs()[0]).isEqualTo(WineQualityPmml.quality(8.0, 11.0, "white"));
        }
    }

    @Test
    void aMissingCategoryFailsTheRecordNamingTheFieldUnlessThePmmlReplacesIt() throws Exception {
        try (PmmlModel model =
                create(descriptor("wine", WineQualityPmml.document(null)).build())) {
            assertThatThrownBy(() -> model.score(wine(7.0, 10.0, null)))
                    .isInstanceOf(ScoringException.class)
                    .hasMessageContaining("missing categorical feature 'colour'")
                    .hasMessageContaining("categorical_features");
        }
        try (PmmlModel model =
                create(descriptor("wine", WineQualityPmml.document("white")).build())) {
            assertThat(model.score(wine(7.0, 10.0, null)).outputs()[0])
                    .isEqualTo(WineQualityPmml.quality(7.0, 10.0, "white"));
        }
    }

    @Test
    void anUnknownCategoryIsAScoringErrorNamingTheValue() throws Exception {
        try (PmmlModel model =
                create(descriptor("wine", WineQualityPmml.document(null)).build())) {
            assertThatThrownBy(() -> model.score(wine(7.0, 10.0, "rosé")))
                    .isInstanceOf(ScoringException.class)
                    .hasMessageContaining("'colour' = 'rosé'");
        }
    }

    @Test
    void validationSamplesCarryCategoricalValues() throws Exception {
        ModelDescriptor good = descriptor("wine", WineQualityPmml.document(null))
                .addValidationSamples(ValidationSample.newBuilder()
                        .setInput(wine(7.4, 9.4, "red"))
                        .addExpectedOutputs(WineQualityPmml.quality(7.4, 9.4, "red")))
                .addValidationSamples(ValidationSample.newBuilder()
                        .setInput(wine(6.3, 10.5, "white"))
                        .addExpectedOutputs(WineQualityPmml.quality(6.3, 10.5, "white")))
                .build();
        loader().load(good).close();

        // The same sample with the other colour's expectation must fail validation: colour is really used.
        ModelDescriptor wrong = descriptor("wine", WineQualityPmml.document(null))
                .addValidationSamples(ValidationSample.newBuilder()
                        .setInput(wine(6.3, 10.5, "white"))
                        .addExpectedOutputs(WineQualityPmml.quality(6.3, 10.5, "red")))
                .build();
        assertThatThrownBy(() -> loader().load(wrong))
                .isInstanceOf(ModelLoadException.class)
                .extracting(e -> ((ModelLoadException) e).problem())
                .isEqualTo(ModelProblem.VALIDATION_FAILED);
    }
}
