package dev.modelserving.model.tensorflow;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.ScoringException;
import java.util.Arrays;
import org.tensorflow.ndarray.Shape;

/**
 * How one record's values are shaped for the input tensor, from the tensor's static shape: a batch dimension of 1
 * is added when the tensor's rank is the record's rank + 1 (or the rank is unknown); none when the ranks are equal.
 * Any other combination, or a fixed dimension that differs, is a mismatch.
 */
final class InputLayout {

    private final Shape tensorShape;
    private final String description;

    private InputLayout(Shape tensorShape, String description) {
        this.tensorShape = tensorShape;
        this.description = description;
    }

    /**
     * The layout of an input tensor, checked against the record shape known before any record arrives.
     *
     * @param recordShape the vectorizer's static shape; empty when it depends on the records
     * @throws ModelLoadException SPEC_MISMATCH naming both shapes
     */
    static InputLayout of(Shape tensorShape, long[] recordShape, String description) throws ModelLoadException {
        InputLayout layout = new InputLayout(tensorShape, description);
        if (recordShape.length > 0) {
            String problem = layout.mismatch(recordShape);
            if (problem != null) {
                throw new ModelLoadException(ModelProblem.SPEC_MISMATCH, problem);
            }
        }
        return layout;
    }

    /** The tensor shape to feed for one record of this shape. */
    long[] feedShape(long[] recordShape) throws ScoringException {
        String problem = mismatch(recordShape);
        if (problem != null) {
            throw new ScoringException(problem);
        }
        return batched(recordShape) ? prepend(recordShape) : recordShape;
    }

    /**
     * Whether several records of this shape can be fed in one call, stacked along the batch dimension: the tensor
     * has a batch dimension that is not fixed (unknown, or {@code -1}). A batch fixed to 1 scores one record per call.
     */
    boolean stacks(long[] recordShape) {
        if (tensorShape.isUnknown()) {
            return true;
        }
        return tensorShape.numDimensions() == recordShape.length + 1 && tensorShape.get(0) < 0;
    }

    /** Whether records of this rank get a batch dimension. */
    private boolean batched(long[] recordShape) {
        return tensorShape.isUnknown() || tensorShape.numDimensions() == recordShape.length + 1;
    }

    private String mismatch(long[] recordShape) {
        if (tensorShape.isUnknown()) {
            return null;
        }
        int rank = tensorShape.numDimensions();
        long[] expected;
        if (rank == recordShape.length + 1) {
            long batch = tensorShape.get(0);
            if (batch >= 0 && batch != 1) {
                return describe(recordShape) + ": its batch dimension is fixed to " + batch
                        + " and records are fed one at a time";
            }
            expected = Arrays.copyOfRange(tensorShape.asArray(), 1, rank);
        } else if (rank == recordShape.length) {
            expected = tensorShape.asArray();
        } else {
            return describe(recordShape);
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] >= 0 && recordShape[i] >= 0 && expected[i] != recordShape[i]) {
                return describe(recordShape);
            }
        }
        return null;
    }

    private String describe(long[] recordShape) {
        return "the " + description + " has shape " + tensorShape + " but records have shape "
                + Arrays.toString(recordShape);
    }

    private static long[] prepend(long[] shape) {
        long[] result = new long[shape.length + 1];
        result[0] = 1;
        System.arraycopy(shape, 0, result, 1, shape.length);
        return result;
    }

    /** How the descriptor names the input tensor, for messages. */
    String description() {
        return description;
    }

    @Override
    public String toString() {
        return "InputLayout{" + description + " " + tensorShape + "}";
    }
}
