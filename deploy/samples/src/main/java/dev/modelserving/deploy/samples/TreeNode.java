package dev.modelserving.deploy.samples;

/**
 * A node of a binary classification tree over numeric features (classes 0 and 1), with the class counts of the
 * training examples that reached it.
 */
public sealed interface TreeNode {

    /** Training examples of class 0 that reached this node. */
    long negatives();

    /** Training examples of class 1 that reached this node. */
    long positives();

    /** Training examples that reached this node. */
    default long count() {
        return negatives() + positives();
    }

    /** Share of class 1 among this node's training examples. */
    default double positiveProbability() {
        return (double) positives() / count();
    }

    /** The node's majority class, "1" or "0" ("0" on a tie). */
    default String label() {
        return positives() > negatives() ? "1" : "0";
    }

    /** The leaf a row of features ends in: at each split, {@code x[feature] <= threshold} goes left. */
    default Leaf leafFor(double[] x) {
        TreeNode node = this;
        while (node instanceof Split split) {
            node = x[split.feature()] <= split.threshold() ? split.left() : split.right();
        }
        return (Leaf) node;
    }

    /** Depth of the subtree (a leaf has depth 0). */
    default int depth() {
        return this instanceof Split split
                ? 1 + Math.max(split.left().depth(), split.right().depth())
                : 0;
    }

    /** An inner node: {@code x[feature] <= threshold} goes to {@code left}, the rest to {@code right}. */
    record Split(int feature, double threshold, TreeNode left, TreeNode right, long negatives, long positives)
            implements TreeNode {}

    /** A leaf: predicts its majority class with the class shares as probabilities. */
    record Leaf(long negatives, long positives) implements TreeNode {}
}
