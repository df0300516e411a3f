package dev.modelserving.model.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/** The walk over a GraphDef's protobuf: inputs, control inputs, function attributes, functions used as op types. */
class ReachableOperationsTest {

    private static NodeDef node(String name, String op, String... inputs) {
        return NodeDef.newBuilder()
                .setName(name)
                .setOp(op)
                .addAllInput(List.of(inputs))
                .build();
    }

    private static FunctionDef function(String name, String api, NodeDef... body) {
        FunctionDef.Builder function = FunctionDef.newBuilder()
                .setSignature(OpDef.newBuilder().setName(name))
                .addAllNodeDef(List.of(body));
        if (api != null) {
            function.putAttr(
                    "api_implements",
                    AttrValue.newBuilder().setS(ByteString.copyFromUtf8(api)).build());
        }
        return function.build();
    }

    private static AttrValue func(String name) {
        return AttrValue.newBuilder()
                .setFunc(NameAttrList.newBuilder().setName(name))
                .build();
    }

    private static List<String> ops(ReachableOperations reach, String... roots) {
        return reach.from(List.of(roots)).stream()
                .map(ReachableOperations.Operation::op)
                .toList();
    }

    @Test
    void walksDataAndControlInputsButNotUnrelatedNodes() {
        GraphDef graph = GraphDef.newBuilder()
                .addNode(node("x", "Placeholder"))
                .addNode(node("secret", "ReadFile", "path"))
                .addNode(node("path", "Const"))
                .addNode(node("y", "Identity", "x:0", "^secret"))
                .addNode(node("unused", "WriteFile", "path", "path"))
                .build();
        assertThat(ops(new ReachableOperations(graph), "y:0"))
                .containsExactlyInAnyOrder("Identity", "Placeholder", "ReadFile", "Const");
    }

    @Test
    void followsFunctionAttributesListsOpTypeCallsAndAlternativeImplementations() {
        GraphDef graph = GraphDef.newBuilder()
                .addNode(node("x", "Placeholder"))
                .addNode(NodeDef.newBuilder()
                        .setName("call")
                        .setOp("StatefulPartitionedCall")
                        .addInput("x")
                        .putAttr("f", func("outer"))
                        .build())
                .addNode(NodeDef.newBuilder()
                        .setName("case")
                        .setOp("Case")
                        .addInput("x")
                        .putAttr(
                                "branches",
                                AttrValue.newBuilder()
                                        .setList(AttrValue.ListValue.newBuilder()
                                                .addFunc(NameAttrList.newBuilder()
                                                        .setName("branch_a")))
                                        .build())
                        .build())
                .setLibrary(FunctionDefLibrary.newBuilder()
                        .addFunction(function("outer", null, node("inner_call", "lstm_cpu")))
                        .addFunction(function("lstm_cpu", "lstm_v1", node("m", "MatMul")))
                        .addFunction(function("lstm_gpu", "lstm_v1", node("w", "WriteFile")))
                        .addFunction(function("branch_a", null, node("p", "PrintV2")))
                        .addFunction(function("never_called", null, node("r", "ReadFile"))))
                .build();
        ReachableOperations reach = new ReachableOperations(graph);
        assertThat(ops(reach, "call"))
                .containsExactlyInAnyOrder("StatefulPartitionedCall", "Placeholder", "lstm_cpu", "MatMul", "WriteFile");
        assertThat(ops(reach, "case")).containsExactlyInAnyOrder("Case", "Placeholder", "PrintV2");
        assertThat(reach.isFunction("lstm_cpu")).isTrue();
        assertThat(reach.isFunction("MatMul")).isFalse();
    }

    @Test
    void followsFunctionsPassedDownThroughDeeplyNestedAttributes() throws Exception {
        // f = outer0[inner = outer1[inner = ... outer19[inner = evil]]]: each outer function would call $inner.
        NameAttrList.Builder nested = NameAttrList.newBuilder().setName("evil");
        FunctionDefLibrary.Builder library =
                FunctionDefLibrary.newBuilder().addFunction(function("evil", null, node("r", "ReadFile")));
        for (int i = 19; i >= 0; i--) {
            nested = NameAttrList.newBuilder()
                    .setName("outer" + i)
                    .putAttr("inner", AttrValue.newBuilder().setFunc(nested).build());
            library.addFunction(function("outer" + i, null, node("call" + i, "PartitionedCall")));
        }
        GraphDef graph = GraphDef.newBuilder()
                .addNode(NodeDef.newBuilder()
                        .setName("call")
                        .setOp("PartitionedCall")
                        .putAttr("f", AttrValue.newBuilder().setFunc(nested).build())
                        .build())
                .setLibrary(library)
                .build();
        // Parsed from bytes as the factories do: protobuf's recursion limit admits this nesting.
        ReachableOperations reach = new ReachableOperations(GraphDef.parseFrom(graph.toByteArray()));
        assertThat(ops(reach, "call")).contains("ReadFile");
    }
}
