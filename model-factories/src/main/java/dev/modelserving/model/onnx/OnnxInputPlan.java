package dev.modelserving.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.InputSpec;
import java.util.Arrays;
import java.util.Map;

/**
 * Which ONNX input receives the record and how: its name, element type (FLOAT, or DOUBLE filled by conversion) and
 * declared shape ({@code -1} for symbolic dimensions). Checked against the descriptor once, when the model loads.
 */
final class OnnxInputPlan {

    private final String name;
    private final OnnxJavaType elementType;
    private final long[] modelShape;

    private OnnxInputPlan(String name, OnnxJavaType elementType, long[] modelShape) {
        this.name = name;
        this.elementType = elementType;
        this.modelShape = modelShape;
    }

    /**
     * Picks the input named by the spec (or the model's only input), which must be the model's only input, and
     * checks its type and shape.
     *
     * @param inputs the session's inputs, in model order
     * @param recordShape one record's shape known before any record (empty when only records tell)
     * @throws ModelLoadException {@link ModelProblem#SPEC_MISMATCH} naming the input, the model's inputs or both
     *     shapes
     */
    static OnnxInputPlan resolve(Map<String, NodeInfo> inputs, InputSpec spec, long[] recordShape)
            throws ModelLoadException {
        String name = spec.getTensorName();
        if (name.isEmpty()) {
            if (inputs.size() != 1) {
                throw new ModelLoadException(
                        ModelProblem.SPEC_MISMATCH,
                        "the ONNX model has " + inputs.size() + " inputs " + OnnxDescriptions.describe(inputs)
                                + "; name one in input.tensor_name");
            }
            name = inputs.keySet().iterator().next();
        } else if (!inputs.containsKey(name)) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "input.tensor_name '" + name + "' is not an input of the ONNX model; its inputs are "
                            + OnnxDescriptions.describe(inputs));
        } else if (inputs.size() > 1) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "the ONNX model has " + inputs.size()
                            + " inputs " + OnnxDescriptions.describe(inputs) + " but a record feeds only '" + name
                            + "'; the others would get no value");
        }
        if (!(inputs.get(name).getInfo() instanceof TensorInfo tensor)) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "ONNX input '" + name + "' is " + inputs.get(name).getInfo() + ", not a tensor");
        }
        if (tensor.type != OnnxJavaType.FLOAT && tensor.type != OnnxJavaType.DOUBLE) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "ONNX input '" + name + "' has element type " + tensor.type
                            + "; only FLOAT and DOUBLE inputs are supported");
        }
        OnnxInputPlan plan = new OnnxInputPlan(name, tensor.type, tensor.getShape());
        if (recordShape.length > 0) {
            String problem = plan.mismatch(recordShape);
            if (problem != null) {
                throw new ModelLoadException(
                        ModelProblem.SPEC_MISMATCH,
                        problem + " (descriptor input shape " + Arrays.toString(recordShape) + ")");
            }
        }
        return plan;
    }

    String name() {
        return name;
    }

    OnnxJavaType elementType() {
        return elementType;
    }

    /** The input's declared shape, {@code -1} for symbolic dimensions. */
    long[] modelShape() {
        return modelShape.clone();
    }

    /**
     * The tensor shape for one record of the given shape: with a batch dimension of 1 when the input's rank is the
     * record's rank + 1, as it is otherwise.
     *
     * @throws ScoringException when the record's shape does not fit the input
     */
    long[] tensorShape(long[] recordShape) throws ScoringException {
        String problem = mismatch(recordShape);
        if (problem != null) {
            throw new ScoringException(problem);
        }
        if (modelShape.length == recordShape.length + 1) {
            long[] shape = new long[recordShape.length + 1];
            shape[0] = 1;
            System.arraycopy(recordShape, 0, shape, 1, recordShape.length);
            return shape;
        }
        return recordShape.clone();
    }

    /**
     * Whether several records of this shape can be fed in one call, stacked along the input's batch dimension: the
     * input's rank is the record's + 1 and its first dimension is symbolic. A batch fixed to 1 scores one per call.
     */
    boolean stacks(long[] recordShape) {
        return modelShape.length == recordShape.length + 1 && modelShape[0] < 0;
    }

    /** Why a record of this shape does not fit the input ({@code -1} dims fit anything), or {@code null}. */
    private String mismatch(long[] recordShape) {
        int offset;
        if (modelShape.length == recordShape.length + 1) {
            if (modelShape[0] > 1) {
                return "ONNX input '" + name + "' has shape " + Arrays.toString(modelShape) + " with a fixed batch of "
                        + modelShape[0] + "; records are scored one at a time (batch 1)";
            }
            offset = 1;
        } else if (modelShape.length == recordShape.length) {
            offset = 0;
        } else {
            return "ONNX input '" + name + "' has shape " + Arrays.toString(modelShape) + " (rank "
                    + modelShape.length + ") but a record has shape " + Arrays.toString(recordShape) + " (rank "
                    + recordShape.length + ")";
        }
        for (int i = 0; i < recordShape.length; i++) {
            long expected = modelShape[i + offset];
            long actual = recordShape[i];
            if (expected >= 0 && actual >= 0 && expected != actual) {
                return "ONNX input '" + name + "' has shape " + Arrays.toString(modelShape)
                        + " but a record has shape " + Arrays.toString(recordShape) + ": dimension " + i
                        + " is " + actual + ", the model expects " + expected;
            }
        }
        return null;
    }
}
