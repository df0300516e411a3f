package dev.modelserving.deploy.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The plain-Java trainers on synthetic data whose answer is known. */
class SampleTrainersTest {

    @Test
    void leastSquaresRecoversAKnownLinearFunctionInRawUnits() {
        Random random = new Random(1);
        double[][] x = new double[500][];
        double[] y = new double[500];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[] {
                30 + 60 * random.nextDouble(), 800 + 3000 * random.nextDouble(), 100 * random.nextDouble()
            };
            y[i] = 2.5 + 0.9 * x[i][0] - 0.002 * x[i][1] + 0.05 * x[i][2];
        }

        LinearModel model = OrdinaryLeastSquares.fit(x, y);

        assertThat(model.intercept()).isCloseTo(2.5, within(1e-8));
        assertThat(model.coefficients()).containsExactly(new double[] {0.9, -0.002, 0.05}, within(1e-10));
        assertThat(model.predict(new double[] {50, 2000, 40})).isCloseTo(2.5 + 45 - 4 + 2, within(1e-9));
    }

    @Test
    void leastSquaresRefusesCollinearFeatures() {
        double[][] x = {{1, 2}, {2, 4}, {3, 6}, {4, 8}};

        assertThatThrownBy(() -> OrdinaryLeastSquares.fit(x, new double[] {1, 2, 3, 4}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("collinear");
    }

    @Test
    void cartFindsTheThresholdsThatDefineTheClass() {
        Random random = new Random(2);
        double[][] x = new double[2000][];
        int[] y = new int[2000];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[] {100 * random.nextDouble(), 4000 * random.nextDouble()};
            y[i] = x[i][0] > 80 && x[i][1] <= 1500 ? 1 : 0;
        }

        TreeNode tree = new CartTrainer(4, 5).fit(x, y);

        assertThat(tree.depth()).isBetween(2, 4);
        int correct = 0;
        for (int i = 0; i < x.length; i++) {
            correct += tree.leafFor(x[i]).label().equals(Integer.toString(y[i])) ? 1 : 0;
        }
        assertThat(correct).isEqualTo(x.length);
        TreeNode.Split root = (TreeNode.Split) tree;
        assertThat(root.count()).isEqualTo(2000);
        assertThat(root.left().count() + root.right().count()).isEqualTo(2000);
    }

    @Test
    void cartRespectsDepthAndLeafSize() {
        Random random = new Random(3);
        double[][] x = new double[1000][];
        int[] y = new int[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[] {random.nextDouble()};
            y[i] = random.nextInt(2);
        }

        TreeNode tree = new CartTrainer(2, 100).fit(x, y);

        assertThat(tree.depth()).isLessThanOrEqualTo(2);
        assertLeavesAtLeast(tree, 100);
    }

    @Test
    void logisticRegressionSeparatesALinearBoundaryAndGivesCalibratedSides() {
        Random random = new Random(4);
        double[][] x = new double[2000][];
        int[] y = new int[2000];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[] {30 + 60 * random.nextDouble(), 800 + 3000 * random.nextDouble()};
            y[i] = x[i][0] - 0.01 * x[i][1] > 50 ? 1 : 0;
        }

        LogisticModel model = new LogisticRegressionTrainer(3000, 1.0, 0).fit(x, y);

        int correct = 0;
        for (int i = 0; i < x.length; i++) {
            correct += model.predict(x[i]) == y[i] ? 1 : 0;
        }
        assertThat((double) correct / x.length).isGreaterThan(0.97);
        assertThat(model.positiveProbability(new double[] {90, 800})).isGreaterThan(0.99);
        assertThat(model.positiveProbability(new double[] {30, 3800})).isLessThan(0.01);
    }

    @Test
    void metricsAgainstHandComputedValues() {
        assertThat(Metrics.rmse(new double[] {1, 2, 3}, new double[] {1, 4, 3}))
                .isCloseTo(Math.sqrt(4.0 / 3), within(1e-12));
        assertThat(Metrics.accuracy(new int[] {1, 0, 1, 1}, new int[] {1, 1, 1, 0}))
                .isEqualTo(0.5);
        assertThat(Metrics.majorityClassAccuracy(new int[] {0, 0, 1}, new int[] {0, 1, 0, 0}))
                .isEqualTo(0.75);
    }

    private static void assertLeavesAtLeast(TreeNode node, long minimum) {
        if (node instanceof TreeNode.Split split) {
            assertLeavesAtLeast(split.left(), minimum);
            assertLeavesAtLeast(split.right(), minimum);
        } else {
            assertThat(node.count()).isGreaterThanOrEqualTo(minimum);
        }
    }
}
