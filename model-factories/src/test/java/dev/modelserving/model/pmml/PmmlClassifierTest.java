package dev.modelserving.model.pmml;

import static dev.modelserving.model.pmml.PmmlDescriptors.create;
import static dev.modelserving.model.pmml.PmmlDescriptors.descriptor;
import static dev.modelserving.model.pmml.PmmlDescriptors.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.Prediction;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Classifiers: labels as the PMML writes them, probabilities in the target's category order. */
class PmmlClassifierTest {

    /** Class counts of the leaf {@link PmmlDocuments#MACHINE_ALARM_TREE} reaches, indexed by class 0, 1, 2. */
    private static int[] alarmLeafCounts(double temperature, double fanRpm) {
        if (temperature <= 60) {
            return new int[] {45, 4, 1};
        }
        return fanRpm < 1500 ? new int[] {2, 6, 12} : new int[] {10, 25, 5};
    }

    @Test
    void treeGivesTheLeafScoreAndItsDistributionInCategoryOrder() throws Exception {
        double[][] readings = {{20, 900}, {60, 5000}, {60.5, 1499}, {95, 1500}, {80, 3000}, {-10, 0}};
        try (PmmlModel model =
                create(descriptor("alarm", PmmlDocuments.MACHINE_ALARM_TREE).build())) {
            assertThat(model.isClassifier()).isTrue();
            for (double[] reading : readings) {
                int[] counts = alarmLeafCounts(reading[0], reading[1]);
                double total = counts[0] + counts[1] + counts[2];
                int winner = 0;
                for (int c = 1; c < counts.length; c++) {
                    winner = counts[c] > counts[winner] ? c : winner;
                }
                Prediction p = model.score(record(Map.of("temperature", reading[0], "fan rpm", reading[1])));

                assertThat(p.label())
                        .as("reading %s", List.of(reading[0], reading[1]))
                        .isEqualTo(Integer.toString(winner));
                assertThat(p.probabilities().keySet()).containsExactly("0", "1", "2");
                assertThat(p.outputs()).hasSize(3);
                for (int c = 0; c < 3; c++) {
                    assertThat(p.outputs()[c]).isCloseTo(counts[c] / total, within(1e-12));
                    assertThat(p.probabilities().get(Integer.toString(c))).isEqualTo(p.outputs()[c]);
                }
            }
        }
    }

    @Test
    void declaredLabelsMustBeTheTargetCategories() throws Exception {
        OutputSpec matching = OutputSpec.newBuilder()
                .setKind(OutputKind.CLASSIFICATION)
                .addAllLabels(List.of("0", "1", "2"))
                .build();
        try (PmmlModel model = create(descriptor("alarm", PmmlDocuments.MACHINE_ALARM_TREE)
                .setOutput(matching)
                .build())) {
            assertThat(model.isClassifier()).isTrue();
        }
        OutputSpec reordered =
                OutputSpec.newBuilder().addAllLabels(List.of("2", "1", "0")).build();
        assertThatThrownBy(() -> create(descriptor("alarm", PmmlDocuments.MACHINE_ALARM_TREE)
                        .setOutput(reordered)
                        .build()))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(ModelProblem.SPEC_MISMATCH))
                .hasMessageContaining("[2, 1, 0]")
                .hasMessageContaining("[0, 1, 2]");
        OutputSpec regression =
                OutputSpec.newBuilder().setKind(OutputKind.REGRESSION).build();
        assertThatThrownBy(() -> create(descriptor("alarm", PmmlDocuments.MACHINE_ALARM_TREE)
                        .setOutput(regression)
                        .build()))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(ModelProblem.SPEC_MISMATCH))
                .hasMessageContaining("'alarm' is categorical");
    }

    @Test
    void treeWithoutScoreDistributionGivesTheLabelOnly() throws Exception {
        try (PmmlModel model =
                create(descriptor("state", PmmlDocuments.SCORE_ONLY_TREE).build())) {
            for (double temperature : new double[] {-5, 60, 60.01, 200}) {
                Prediction p = model.score(record(Map.of("temperature", temperature)));
                assertThat(p.label()).isEqualTo(temperature > 60 ? "hot" : "cold");
                assertThat(p.outputs()).isEmpty();
                assertThat(p.probabilities()).isEmpty();
            }
        }
    }

    @Test
    void majorityVoteOfTreesCountsTheVotes() throws Exception {
        double[][] points = {{0, 0}, {2, 0}, {2, 5}, {4, 0}, {4, 5}, {0.5, 3}, {1, 2}};
        try (PmmlModel model =
                create(descriptor("risk", PmmlDocuments.MAJORITY_VOTE_OF_TREES).build())) {
            for (double[] point : points) {
                double x = point[0];
                double z = point[1];
                int high = (x > 1 ? 1 : 0) + (z > 2 ? 1 : 0) + (x > 3 ? 1 : 0);
                Prediction p = model.score(record(Map.of("x", x, "z", z)));

                assertThat(p.label()).as("x=%s z=%s", x, z).isEqualTo(high >= 2 ? "high" : "low");
                assertThat(p.probabilities().keySet()).containsExactly("low", "high");
                assertThat(p.outputs()[0]).isCloseTo((3 - high) / 3.0, within(1e-12));
                assertThat(p.outputs()[1]).isCloseTo(high / 3.0, within(1e-12));
            }
        }
    }

    @Test
    void logisticRegressionWithDoubleCategoriesLabelsThemAsWritten() throws Exception {
        try (PmmlModel model = create(descriptor("failure", PmmlDocuments.FAILURE_LOGISTIC_REGRESSION)
                .setOutput(OutputSpec.newBuilder().setKind(OutputKind.CLASSIFICATION))
                .build())) {
            for (double temperature : new double[] {0, 50, 79.9, 80.1, 120}) {
                double p1 = 1 / (1 + Math.exp(-(-4 + 0.05 * temperature)));
                Prediction p = model.score(record(Map.of("temperature", temperature)));
                assertThat(p.label()).as("temperature %s", temperature).isEqualTo(p1 > 0.5 ? "1" : "0");
                assertThat(p.probabilities().keySet()).containsExactly("0", "1");
                assertThat(p.outputs()[0]).isCloseTo(1 - p1, within(1e-12));
                assertThat(p.outputs()[1]).isCloseTo(p1, within(1e-12));
            }
        }
    }

    @Test
    void categoriesAreLabelledAsWritten() {
        assertThat(PmmlTargetDecoder.label(1.0)).isEqualTo("1");
        assertThat(PmmlTargetDecoder.label(-3.0f)).isEqualTo("-3");
        assertThat(PmmlTargetDecoder.label(1.5)).isEqualTo("1.5");
        assertThat(PmmlTargetDecoder.label(7)).isEqualTo("7");
        assertThat(PmmlTargetDecoder.label(12345678901L)).isEqualTo("12345678901");
        assertThat(PmmlTargetDecoder.label("setosa")).isEqualTo("setosa");
        assertThat(PmmlTargetDecoder.label(true)).isEqualTo("true");
    }
}
