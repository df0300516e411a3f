package dev.modelserving.model.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.SparseTensorProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TrainingInfoProto;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks an ONNX model's protobuf before ONNX Runtime sees it, refusing what would make the runtime reach outside the
 * artifact:
 * <ul>
 *   <li>tensors stored as external data ({@code data_location = EXTERNAL} or {@code external_data} entries), which
 *       ONNX Runtime would read from files named by the model: initializers, sparse initializers, tensor-valued
 *       attributes (e.g. {@code Constant.value}), in the main graph, in every subgraph ({@code If}, {@code Loop},
 *       {@code Scan} bodies), in model-local functions and in training-info graphs;
 *   <li>nodes whose op domain is not one ONNX Runtime implements itself ({@value #STANDARD_DOMAINS_TEXT}) nor a
 *       function defined by the model: such ops resolve only from a custom-op library, and none is ever registered.
 * </ul>
 */
final class OnnxModelCheck {

    /** The op domains ONNX Runtime's built-in kernels serve ("" is the default ONNX domain). */
    static final Set<String> STANDARD_DOMAINS =
            Set.of("", "ai.onnx", "ai.onnx.ml", "com.microsoft", "ai.onnx.preview.training");

    static final String STANDARD_DOMAINS_TEXT = "'', ai.onnx, ai.onnx.ml, com.microsoft, ai.onnx.preview.training";
    /** How many offending items a refusal lists. */
    private static final int MAX_LISTED = 30;

    private final Set<String> localFunctions = new HashSet<>();
    private final List<String> externalTensors = new ArrayList<>();
    private final List<String> customOps = new ArrayList<>();
    private int externalCount;
    private int customCount;

    private OnnxModelCheck() {}

    /**
     * Parses and checks the model.
     *
     * @param model for messages, e.g. {@code "name@3"}
     * @throws ModelLoadException {@link ModelProblem#INVALID_ARTIFACT} when the bytes are not an ONNX model;
     *     {@link ModelProblem#DISALLOWED_OPERATION} listing the external tensors or custom-domain ops
     */
    static void check(byte[] bytes, String model) throws ModelLoadException {
        ModelProto proto;
        try {
            proto = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "ONNX model " + model + " (" + bytes.length + " bytes) is not an ONNX ModelProto: "
                            + e.getMessage(),
                    e);
        }
        OnnxModelCheck check = new OnnxModelCheck();
        for (FunctionProto function : proto.getFunctionsList()) {
            check.localFunctions.add(function.getDomain() + "\u0000" + function.getName());
        }
        check.graph(proto.getGraph(), "graph '" + proto.getGraph().getName() + "'");
        for (FunctionProto function : proto.getFunctionsList()) {
            check.nodes(function.getNodeList(), "function '" + function.getDomain() + ":" + function.getName() + "'");
        }
        for (TrainingInfoProto training : proto.getTrainingInfoList()) {
            check.graph(training.getInitialization(), "training initialization graph");
            check.graph(training.getAlgorithm(), "training algorithm graph");
        }
        check.report(model);
    }

    private void graph(GraphProto graph, String where) {
        for (TensorProto tensor : graph.getInitializerList()) {
            tensor(tensor, where + " initializer");
        }
        for (SparseTensorProto sparse : graph.getSparseInitializerList()) {
            tensor(sparse.getValues(), where + " sparse initializer");
            tensor(sparse.getIndices(), where + " sparse initializer indices");
        }
        nodes(graph.getNodeList(), where);
    }

    private void nodes(List<NodeProto> nodes, String where) {
        for (NodeProto node : nodes) {
            String nodeName = "node '" + node.getName() + "' ("
                    + (node.getDomain().isEmpty() ? "" : node.getDomain() + ":") + node.getOpType() + ") in " + where;
            if (!STANDARD_DOMAINS.contains(node.getDomain())
                    && !localFunctions.contains(node.getDomain() + "\u0000" + node.getOpType())) {
                customCount++;
                if (customOps.size() < MAX_LISTED) {
                    customOps.add(nodeName);
                }
            }
            for (AttributeProto attribute : node.getAttributeList()) {
                String at = "attribute '" + attribute.getName() + "' of " + nodeName;
                if (attribute.hasT()) {
                    tensor(attribute.getT(), at);
                }
                attribute.getTensorsList().forEach(t -> tensor(t, at));
                if (attribute.hasSparseTensor()) {
                    tensor(attribute.getSparseTensor().getValues(), at);
                    tensor(attribute.getSparseTensor().getIndices(), at);
                }
                for (SparseTensorProto sparse : attribute.getSparseTensorsList()) {
                    tensor(sparse.getValues(), at);
                    tensor(sparse.getIndices(), at);
                }
                if (attribute.hasG()) {
                    graph(attribute.getG(), "subgraph " + at);
                }
                attribute.getGraphsList().forEach(g -> graph(g, "subgraph " + at));
            }
        }
    }

    private void tensor(TensorProto tensor, String where) {
        if (tensor.getDataLocation() == TensorProto.DataLocation.EXTERNAL || tensor.getExternalDataCount() > 0) {
            externalCount++;
            if (externalTensors.size() < MAX_LISTED) {
                String location = tensor.getExternalDataList().stream()
                        .filter(entry -> "location".equals(entry.getKey()))
                        .map(entry -> " -> '" + entry.getValue() + "'")
                        .findFirst()
                        .orElse("");
                externalTensors.add("tensor '" + tensor.getName() + "'" + location + " (" + where + ")");
            }
        }
    }

    private void report(String model) throws ModelLoadException {
        if (externalCount == 0 && customCount == 0) {
            return;
        }
        StringBuilder message = new StringBuilder("ONNX model ").append(model);
        if (externalCount > 0) {
            message.append(" stores ")
                    .append(externalCount)
                    .append(" tensor(s) as external data, which ONNX Runtime"
                            + " would read from files outside the artifact: ")
                    .append(externalTensors)
                    .append(externalCount > MAX_LISTED ? " and " + (externalCount - MAX_LISTED) + " more" : "")
                    .append("; embed the tensors in the model");
        }
        if (customCount > 0) {
            message.append(externalCount > 0 ? "; and it" : "")
                    .append(" uses ")
                    .append(customCount)
                    .append(" op(s) outside the domains ONNX Runtime implements (")
                    .append(STANDARD_DOMAINS_TEXT)
                    .append("), which only a custom-op library could provide and none is loaded: ")
                    .append(customOps)
                    .append(customCount > MAX_LISTED ? " and " + (customCount - MAX_LISTED) + " more" : "");
        }
        throw new ModelLoadException(ModelProblem.DISALLOWED_OPERATION, message.toString());
    }
}
