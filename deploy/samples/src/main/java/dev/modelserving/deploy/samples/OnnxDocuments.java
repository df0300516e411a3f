package dev.modelserving.deploy.samples;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;

/**
 * Writes the sample logistic-regression classifier as an ONNX model with the ONNX protobuf classes
 * ({@code ai.onnx.proto.OnnxMl}): {@code probability = Sigmoid(Gemm(features, W, B))}, input {@value #INPUT}
 * float [batch, n], output {@value #OUTPUT} float [batch, 1] (probability of class 1), batch dimension symbolic.
 * The same model always gives the same bytes.
 */
public final class OnnxDocuments {

    /** Input tensor name. */
    public static final String INPUT = "features";
    /** Output tensor name. */
    public static final String OUTPUT = "probability";
    /** ONNX IR version written (ONNX 1.8+). */
    public static final long IR_VERSION = 7;
    /** Default-domain opset written (Gemm-13, Sigmoid-13). */
    public static final long OPSET = 13;

    private static final String BATCH = "batch";

    private OnnxDocuments() {}

    /** The serialized ModelProto. */
    public static byte[] logistic(LogisticModel model, String graphName, String docString) {
        float[] weights = model.weights();
        TensorProto.Builder w = TensorProto.newBuilder()
                .setName("W")
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(weights.length)
                .addDims(1);
        for (float weight : weights) {
            w.addFloatData(weight);
        }
        TensorProto b = TensorProto.newBuilder()
                .setName("B")
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(1)
                .addFloatData(model.bias())
                .build();
        NodeProto gemm = NodeProto.newBuilder()
                .setName("linear")
                .setOpType("Gemm")
                .addInput(INPUT)
                .addInput("W")
                .addInput("B")
                .addOutput("logit")
                .addAttribute(AttributeProto.newBuilder()
                        .setName("transB")
                        .setType(AttributeProto.AttributeType.INT)
                        .setI(0))
                .build();
        NodeProto sigmoid = NodeProto.newBuilder()
                .setName("sigmoid")
                .setOpType("Sigmoid")
                .addInput("logit")
                .addOutput(OUTPUT)
                .build();
        GraphProto graph = GraphProto.newBuilder()
                .setName(graphName)
                .setDocString(docString)
                .addInitializer(w)
                .addInitializer(b)
                .addNode(gemm)
                .addNode(sigmoid)
                .addInput(floatMatrix(INPUT, weights.length))
                .addOutput(floatMatrix(OUTPUT, 1))
                .build();
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName(PmmlDocuments.APPLICATION)
                .setProducerVersion(SampleModels.CODE_VERSION)
                .setModelVersion(1)
                .setDocString(docString)
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static ValueInfoProto floatMatrix(String name, int columns) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns))
                .build();
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                                .setShape(shape)))
                .build();
    }
}
