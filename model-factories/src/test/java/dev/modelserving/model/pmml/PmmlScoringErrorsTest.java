package dev.modelserving.model.pmml;

import static dev.modelserving.model.pmml.PmmlDescriptors.create;
import static dev.modelserving.model.pmml.PmmlDescriptors.descriptor;
import static dev.modelserving.model.pmml.PmmlDescriptors.mapping;
import static dev.modelserving.model.pmml.PmmlDescriptors.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.InputSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Records that do not fit fail alone: a ScoringException naming the feature, and the model keeps scoring. */
class PmmlScoringErrorsTest {

    private static PmmlModel mappedIris() throws Exception {
        return create(descriptor("iris", PmmlDocuments.IRIS_REGRESSION)
                .setInput(InputSpec.newBuilder().addFieldMapping(mapping("sepal_length", "sepal length (cm)")))
                .build());
    }

    private static void assertStillScores(PmmlModel model) throws ScoringException {
        double score = model.score(record(Map.of("sepal_length", 5.0, "petal length (cm)", 2.0)))
                .outputs()[0];
        assertThat(score).isCloseTo(-0.3 - 0.21 * 5.0 + 0.53 * 2.0, within(1e-12));
    }

    @Test
    void missingFeatureNamesTheFeatureAndTheField() throws Exception {
        try (PmmlModel model = mappedIris()) {
            assertThatThrownBy(() -> model.score(record(Map.of("petal length (cm)", 2.0, "sepal length (cm)", 5.0))))
                    .isInstanceOf(ScoringException.class)
                    .hasMessage("missing feature 'sepal_length' for PMML field 'sepal length (cm)'");
            assertStillScores(model);
            assertThatThrownBy(() -> model.score(record(Map.of("sepal_length", 5.0))))
                    .isInstanceOf(ScoringException.class)
                    .hasMessage("missing feature 'petal length (cm)' for PMML field 'petal length (cm)'");
            assertStillScores(model);
        }
    }

    @Test
    void nanAndInfiniteFeaturesAreRefusedByName() throws Exception {
        try (PmmlModel model = mappedIris()) {
            for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                assertThatThrownBy(() -> model.score(record(Map.of("sepal_length", bad, "petal length (cm)", 2.0))))
                        .isInstanceOf(ScoringException.class)
                        .hasMessageContaining("'sepal_length'")
                        .hasMessageContaining("'sepal length (cm)'")
                        .hasMessageContaining(Double.toString(bad));
                assertStillScores(model);
            }
        }
    }

    @Test
    void evaluatorFailureBecomesAScoringExceptionWithJpmmlsMessage() throws Exception {
        try (PmmlModel model = create(
                descriptor("ghost", PmmlDocuments.UNDEFINED_FIELD_REGRESSION).build())) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> model.score(record(Map.of("x", 1.0))))
                        .isInstanceOf(ScoringException.class)
                        .hasMessageContaining("\"ghost\"");
            }
        }
    }

    @Test
    void closeIsIdempotentAndAClosedModelRefusesToScore() throws Exception {
        PmmlModel model = mappedIris();
        assertStillScores(model);
        model.close();
        model.close();
        assertThatThrownBy(() -> model.score(record(Map.of("sepal_length", 5.0, "petal length (cm)", 2.0))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void nanIsNamedExactly() throws Exception {
        try (PmmlModel model = mappedIris()) {
            assertThatThrownBy(() -> model.score(record(Map.of("sepal_length", Double.NaN, "petal length (cm)", 2.0))))
                    .hasMessage("feature 'sepal_length' is NaN (PMML field 'sepal length (cm)')");
        }
    }

    /** A field whose MiningField declares a missingValueReplacement gets JPMML's handling for missing and NaN. */
    @Test
    void aModelThatDeclaresAMissingValueReplacementHandlesMissingAndNanItself() throws Exception {
        String document = PmmlDocuments.IRIS_REGRESSION.replace(
                "<MiningField name=\"sepal length (cm)\"/>",
                "<MiningField name=\"sepal length (cm)\" missingValueReplacement=\"5.0\"/>");
        assertThat(document).contains("missingValueReplacement");
        double expected = -0.3 - 0.21 * 5.0 + 0.53 * 2.0;
        try (PmmlModel model = create(descriptor("iris-replacing", document).build())) {
            assertThat(model.score(record(Map.of("sepal length (cm)", Double.NaN, "petal length (cm)", 2.0)))
                            .outputs()[0])
                    .isCloseTo(expected, within(1e-12));
            assertThat(model.score(record(Map.of("petal length (cm)", 2.0))).outputs()[0])
                    .isCloseTo(expected, within(1e-12));
            assertThat(model.score(record(Map.of("sepal length (cm)", 1.0, "petal length (cm)", 2.0)))
                            .outputs()[0])
                    .isCloseTo(-0.3 - 0.21 + 1.06, within(1e-12));
            // The other field declares nothing: NaN and infinity still fail the record.
            assertThatThrownBy(() ->
                            model.score(record(Map.of("sepal length (cm)", 1.0, "petal length (cm)", Double.NaN))))
                    .hasMessage("feature 'petal length (cm)' is NaN (PMML field 'petal length (cm)')");
            assertThatThrownBy(() -> model.score(
                            record(Map.of("sepal length (cm)", Double.POSITIVE_INFINITY, "petal length (cm)", 2.0))))
                    .hasMessageContaining("is Infinity");
        }
    }
}
