package dev.modelserving.deploy.samples;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Grows a binary classification tree (CART): at each node, the split {@code x[f] <= t} with the largest Gini
 * impurity decrease over every feature and every midpoint between consecutive distinct values, until the maximum
 * depth, a pure node, or a node too small to give two leaves of {@code minLeaf} examples. Deterministic: ties keep
 * the first feature and the lowest threshold.
 *
 * @param maxDepth the deepest a leaf may be (the root is at depth 0)
 * @param minLeaf the fewest training examples a leaf may hold
 */
public record CartTrainer(int maxDepth, int minLeaf) {

    public CartTrainer {
        if (maxDepth < 0 || minLeaf < 1) {
            throw new IllegalArgumentException("need maxDepth >= 0 and minLeaf >= 1, got " + maxDepth + ", " + minLeaf);
        }
    }

    /**
     * @param x rows of features
     * @param y classes, 0 or 1
     */
    public TreeNode fit(double[][] x, int[] y) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("need one class per row (and at least one row), got " + x.length
                    + " rows and " + y.length + " classes");
        }
        return grow(x, y, IntStream.range(0, x.length).toArray(), 0);
    }

    private TreeNode grow(double[][] x, int[] y, int[] rows, int depth) {
        long positives = Arrays.stream(rows).filter(r -> y[r] == 1).count();
        long negatives = rows.length - positives;
        if (depth >= maxDepth || positives == 0 || negatives == 0 || rows.length < 2 * minLeaf) {
            return new TreeNode.Leaf(negatives, positives);
        }
        double parentGini = gini(negatives, positives);
        int bestFeature = -1;
        double bestThreshold = Double.NaN;
        double bestGain = 1e-12;
        for (int feature = 0; feature < x[0].length; feature++) {
            final int f = feature;
            Integer[] order = Arrays.stream(rows).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble(r -> x[r][f]));
            long leftPositives = 0;
            for (int i = 0; i < order.length - 1; i++) {
                leftPositives += y[order[i]];
                int leftCount = i + 1;
                int rightCount = order.length - leftCount;
                double value = x[order[i]][f];
                double nextValue = x[order[i + 1]][f];
                if (value == nextValue || leftCount < minLeaf || rightCount < minLeaf) {
                    continue;
                }
                double childGini = (leftCount * gini(leftCount - leftPositives, leftPositives)
                                + rightCount
                                        * gini(rightCount - (positives - leftPositives), positives - leftPositives))
                        / rows.length;
                double gain = parentGini - childGini;
                if (gain > bestGain) {
                    bestGain = gain;
                    bestFeature = f;
                    bestThreshold = value + (nextValue - value) / 2;
                }
            }
        }
        if (bestFeature < 0) {
            return new TreeNode.Leaf(negatives, positives);
        }
        final int f = bestFeature;
        final double t = bestThreshold;
        int[] left = Arrays.stream(rows).filter(r -> x[r][f] <= t).toArray();
        int[] right = Arrays.stream(rows).filter(r -> x[r][f] > t).toArray();
        return new TreeNode.Split(
                f, t, grow(x, y, left, depth + 1), grow(x, y, right, depth + 1), negatives, positives);
    }

    private static double gini(long negatives, long positives) {
        double n = negatives + positives;
        if (n == 0) {
            return 0;
        }
        double p = positives / n;
        return 2 * p * (1 - p);
    }
}
