package dev.modelserving.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/** Short human-readable descriptions of an ONNX model's inputs and outputs, for error messages. */
final class OnnxDescriptions {

    private OnnxDescriptions() {}

    /** {@code [name: FLOAT[-1, 3], other: sequence of maps]}. */
    static String describe(Map<String, NodeInfo> nodes) {
        return nodes.values().stream()
                .map(node -> node.getName() + ": " + describe(node.getInfo()))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    static String describe(ValueInfo info) {
        if (info instanceof TensorInfo tensor) {
            return tensor.type + Arrays.toString(tensor.getShape());
        }
        return String.valueOf(info);
    }
}
