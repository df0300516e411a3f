package dev.modelserving.model.tensorflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;

/**
 * The operations TensorFlow may run to compute some nodes of a graph, found in the graph's protobuf before TensorFlow
 * sees it: the nodes themselves, every node they reach backwards through data and control inputs, and the whole body
 * of every library function any of those nodes calls (through a {@code func} attribute such as
 * {@code StatefulPartitionedCall.f}, {@code While.body}, {@code If.then_branch}, or by using a function's name as its
 * op type), recursively.
 *
 * <p>Function bodies are taken whole rather than walked from their outputs: a function runs its stateful nodes and
 * control outputs even when no return value depends on them. A function with an {@code api_implements} attribute
 * brings every library function implementing the same API: TensorFlow's implementation selector may swap one for
 * another (e.g. a Keras LSTM's CPU and GPU variants). Nodes a root names but the graph does not hold are skipped
 * here; binding the model's tensors reports them.
 */
final class ReachableOperations {

    /** Deepest nesting of function-valued attributes followed (beyond what a parsed protobuf can hold). */
    static final int MAX_ATTR_DEPTH = 100;
    /** The function attribute naming the API a function implements (grappler's implementation selector uses it). */
    private static final String API_IMPLEMENTS = "api_implements";

    /**
     * One operation that may run.
     *
     * @param op the op type (e.g. {@code MatMul}, {@code ReadFile})
     * @param node the node's name
     * @param where {@code "graph"} or {@code "function 'f'"}
     */
    record Operation(String op, String node, String where) {
        @Override
        public String toString() {
            return op + " ('" + node + "' in " + where + ")";
        }
    }

    private final Map<String, NodeDef> nodes = new HashMap<>();
    private final Map<String, FunctionDef> functions = new HashMap<>();
    /** Library function names by the API they implement ({@code api_implements} attribute). */
    private final Map<String, List<String>> implementations = new HashMap<>();

    ReachableOperations(GraphDef graph) {
        for (NodeDef node : graph.getNodeList()) {
            nodes.putIfAbsent(node.getName(), node);
        }
        for (FunctionDef function : graph.getLibrary().getFunctionList()) {
            functions.putIfAbsent(function.getSignature().getName(), function);
            String api = implementedApi(function);
            if (api != null) {
                implementations
                        .computeIfAbsent(api, k -> new ArrayList<>())
                        .add(function.getSignature().getName());
            }
        }
    }

    /** Whether {@code op} names a function of the graph's library (a call, not a kernel). */
    boolean isFunction(String op) {
        return functions.containsKey(op);
    }

    /**
     * The operations that computing {@code roots} may run, each node once, graph nodes first in walk order.
     *
     * @param roots node names, or tensor names ({@code "node:0"}), or control names ({@code "^node"})
     */
    List<Operation> from(Collection<String> roots) {
        List<Operation> reached = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> calledFunctions = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        roots.forEach(root -> pending.push(nodeName(root)));
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (!seen.add(name)) {
                continue;
            }
            NodeDef node = nodes.get(name);
            if (node == null) {
                continue;
            }
            reached.add(new Operation(node.getOp(), node.getName(), "graph"));
            collectCalls(node, calledFunctions);
            for (String input : node.getInputList()) {
                pending.push(nodeName(input));
            }
        }
        addFunctionBodies(calledFunctions, reached);
        return reached;
    }

    private void addFunctionBodies(Set<String> called, List<Operation> reached) {
        Set<String> done = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>(called);
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (!done.add(name)) {
                continue;
            }
            FunctionDef function = functions.get(name);
            if (function == null) {
                continue;
            }
            Set<String> nested = new LinkedHashSet<>();
            for (NodeDef node : function.getNodeDefList()) {
                reached.add(new Operation(node.getOp(), node.getName(), "function '" + name + "'"));
                collectCalls(node, nested);
            }
            // Attributes of the function itself may name more functions, and its API's other implementations may run.
            function.getAttrMap().values().forEach(value -> collectFunctions(value, nested, 0));
            String api = implementedApi(function);
            if (api != null) {
                nested.addAll(implementations.getOrDefault(api, List.of()));
            }
            pending.addAll(nested);
        }
    }

    /** The library functions a node calls: through its op type or any function-valued attribute. */
    private void collectCalls(NodeDef node, Set<String> into) {
        if (functions.containsKey(node.getOp())) {
            into.add(node.getOp());
        }
        node.getAttrMap().values().forEach(value -> collectFunctions(value, into, 0));
    }

    private static void collectFunctions(AttrValue value, Set<String> into, int depth) {
        // A guard only: protobuf's parser refuses messages nested deeper than 100 levels, and each level here is
        // three (AttrValue, NameAttrList, map entry), so a parsed graph never reaches it. A smaller cap would skip
        // functions TensorFlow instantiates through nested attributes (a function-valued attr passed down as $attr).
        if (depth > MAX_ATTR_DEPTH) {
            return;
        }
        if (value.hasFunc()) {
            collectFunctions(value.getFunc(), into, depth);
        }
        for (NameAttrList function : value.getList().getFuncList()) {
            collectFunctions(function, into, depth);
        }
    }

    private static void collectFunctions(NameAttrList function, Set<String> into, int depth) {
        into.add(function.getName());
        function.getAttrMap().values().forEach(nested -> collectFunctions(nested, into, depth + 1));
    }

    private static String implementedApi(FunctionDef function) {
        AttrValue api = function.getAttrMap().get(API_IMPLEMENTS);
        return api == null || api.getS().isEmpty() ? null : api.getS().toStringUtf8();
    }

    /** {@code "^node"}, {@code "node:1"} and {@code "node"} all name {@code node}. */
    static String nodeName(String input) {
        String name = input.startsWith("^") ? input.substring(1) : input;
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }
}
