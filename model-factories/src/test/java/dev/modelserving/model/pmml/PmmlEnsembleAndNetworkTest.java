package dev.modelserving.model.pmml;

import static dev.modelserving.model.pmml.PmmlDescriptors.create;
import static dev.modelserving.model.pmml.PmmlDescriptors.descriptor;
import static dev.modelserving.model.pmml.PmmlDescriptors.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.Prediction;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A MiningModel ensemble of regressions and a small neural network, recomputed in plain Java. */
class PmmlEnsembleAndNetworkTest {

    @Test
    void averageOfSegmentsUsesOnlyTheSegmentsWhosePredicateHolds() throws Exception {
        double[][] points = {{1.5, 2}, {-1, 10}, {0, 3}, {0.25, -4}, {10, 0.5}};
        try (PmmlModel model = create(
                descriptor("ensemble", PmmlDocuments.AVERAGE_OF_REGRESSIONS).build())) {
            for (double[] point : points) {
                double a = point[0];
                double b = point[1];
                double base = 1 + 2 * a;
                double expected = a > 0 ? (base + (-3 + 0.5 * a + 4 * b)) / 2 : base;
                Prediction p = model.score(record(Map.of("a", a, "b", b)));
                assertThat(p.outputs()).hasSize(1);
                assertThat(p.outputs()[0]).as("a=%s b=%s", a, b).isCloseTo(expected, within(1e-12));
                assertThat(p.label()).isNull();
            }
        }
    }

    private static double logistic(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    @Test
    void neuralNetworkMatchesTheForwardPass() throws Exception {
        double[][] points = {{0, 0}, {1, 1}, {-2, 3.5}, {10, -10}, {0.3, 0.7}};
        try (PmmlModel model =
                create(descriptor("net", PmmlDocuments.TWO_LAYER_NETWORK).build())) {
            for (double[] point : points) {
                double u = point[0];
                double v = point[1];
                double h2 = logistic(0.1 + 0.5 * u - 0.4 * v);
                double h3 = logistic(-0.2 + 0.3 * u + 0.8 * v);
                double expected = 0.05 + 1.5 * h2 - 0.7 * h3;
                Prediction p = model.score(record(Map.of("u", u, "v", v)));
                assertThat(p.outputs()[0]).as("u=%s v=%s", u, v).isCloseTo(expected, within(1e-12));
            }
        }
    }
}
