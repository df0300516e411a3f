package dev.modelserving.model.tensor;

import dev.modelserving.model.ScoringException;
import java.util.Arrays;

/**
 * Overflow-checked arithmetic on tensor shapes that come from records. A record's shape is hostile: a dimension
 * product that wraps around (e.g. {@code [2^63-1, 2^63-1]} multiplies to 1 in {@code long}) passes a naive check and
 * makes TensorFlow's native {@code TensorShape} abort the whole JVM. Every product here is computed with
 * {@link Math#multiplyExact} and capped, so no shape reaches a native library unless its dimensions are positive,
 * its rank is small and its element count is the number of values actually fed.
 */
public final class TensorShapes {

    /** Most dimensions of one record's shape (a batch dimension may be added on top). */
    public static final int MAX_RANK = 8;

    private TensorShapes() {}

    /**
     * The number of elements of a concrete shape (every dimension ≥ 1, rank ≤ {@code maxRank}), at most
     * {@code maxElements}.
     *
     * @param what how the shape is named in the message, e.g. "record shape"
     * @throws ScoringException naming the shape and the broken rule
     */
    public static long elements(long[] shape, int maxRank, long maxElements, String what) throws ScoringException {
        if (shape.length > maxRank) {
            throw new ScoringException(
                    what + " has rank " + shape.length + "; at most " + maxRank + " dimensions are accepted");
        }
        long product = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = shape[i];
            if (d < 1) {
                throw new ScoringException(what + " " + describe(shape) + " has dimension " + i + " = " + d
                        + "; every dimension must be at least 1");
            }
            try {
                product = Math.multiplyExact(product, d);
            } catch (ArithmeticException e) {
                throw new ScoringException(
                        what + " " + describe(shape) + " has more than " + Long.MAX_VALUE
                                + " elements (the product of its dimensions overflows)",
                        e);
            }
            if (product > maxElements) {
                throw new ScoringException(what + " " + describe(shape) + " has more than " + maxElements
                        + " elements, the limit per record");
            }
        }
        return product;
    }

    /**
     * Checks a shape about to be handed to a native tensor constructor: concrete, rank ≤ {@link #MAX_RANK} + 1 (the
     * batch dimension) and exactly {@code length} elements. The last guard before native code.
     */
    public static void requireFeedable(long[] shape, int length, String what) throws ScoringException {
        long elements = elements(shape, MAX_RANK + 1, length, what);
        if (elements != length) {
            throw new ScoringException(
                    what + " " + describe(shape) + " has " + elements + " elements but " + length + " values are fed");
        }
    }

    /** A shape as text, shortened when it has many dimensions (a hostile record may send thousands). */
    public static String describe(long[] shape) {
        if (shape.length <= 2 * MAX_RANK) {
            return Arrays.toString(shape);
        }
        return Arrays.toString(Arrays.copyOf(shape, MAX_RANK)).replace("]", ", ... (rank " + shape.length + ")]");
    }
}
