package dev.modelserving.deploy.samples;

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
 * Writes the heavy sample CNN ({@link CnnWeights}) as an ONNX model with the ONNX protobuf classes: input
 * {@value #INPUT} float [batch, 1, 28, 28] (NCHW, ONNX's convolution layout; with one channel the 784 values are in
 * the same order as TensorFlow's [28, 28, 1]), output {@value #OUTPUT} float [batch, 10]. Nodes: Conv, Relu, MaxPool
 * (twice), Transpose to NHWC (so the dense weights are the TensorFlow graph's), Reshape, Gemm, Softmax (opset
 * {@value OnnxDocuments#OPSET}). The same weights always give the same bytes.
 */
public final class CnnOnnx {

    /** Input tensor name. */
    public static final String INPUT = "image";
    /** Output tensor name. */
    public static final String OUTPUT = "probabilities";

    private CnnOnnx() {}

    /** The serialized ModelProto. */
    public static byte[] model(CnnWeights weights, String docString) {
        GraphProto.Builder graph = GraphProto.newBuilder()
                .setName("image_cnn")
                .setDocString(docString)
                .addInitializer(convKernel("conv1_w", weights.conv1()))
                .addInitializer(vector("conv1_b", weights.bias1()))
                .addInitializer(convKernel("conv2_w", weights.conv2()))
                .addInitializer(vector("conv2_b", weights.bias2()))
                .addInitializer(matrix("dense_w", weights.dense()))
                .addInitializer(vector("dense_b", weights.denseBias()))
                .addInitializer(TensorProto.newBuilder()
                        .setName("flatten_shape")
                        .setDataType(TensorProto.DataType.INT64.getNumber())
                        .addDims(2)
                        .addInt64Data(-1)
                        .addInt64Data(CnnWeights.DENSE_INPUTS));
        String first = block(graph, INPUT, "conv1");
        String second = block(graph, first, "conv2");
        graph.addNode(NodeProto.newBuilder()
                        .setName("to_nhwc")
                        .setOpType("Transpose")
                        .addInput(second)
                        .addOutput("conv2_nhwc")
                        .addAttribute(ints("perm", 0, 2, 3, 1)))
                .addNode(NodeProto.newBuilder()
                        .setName("flatten")
                        .setOpType("Reshape")
                        .addInput("conv2_nhwc")
                        .addInput("flatten_shape")
                        .addOutput("flat"))
                .addNode(NodeProto.newBuilder()
                        .setName("dense")
                        .setOpType("Gemm")
                        .addInput("flat")
                        .addInput("dense_w")
                        .addInput("dense_b")
                        .addOutput("logits"))
                .addNode(NodeProto.newBuilder()
                        .setName("softmax")
                        .setOpType("Softmax")
                        .addInput("logits")
                        .addOutput(OUTPUT)
                        .addAttribute(AttributeProto.newBuilder()
                                .setName("axis")
                                .setType(AttributeProto.AttributeType.INT)
                                .setI(1)))
                .addInput(floatTensor(INPUT, 1, CnnWeights.SIDE, CnnWeights.SIDE))
                .addOutput(floatTensor(OUTPUT, CnnWeights.CLASSES));
        return ModelProto.newBuilder()
                .setIrVersion(OnnxDocuments.IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxDocuments.OPSET))
                .setProducerName(PmmlDocuments.APPLICATION)
                .setProducerVersion(SampleModels.CODE_VERSION)
                .setModelVersion(1)
                .setDocString(docString)
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    /** Conv 3x3 (pads 1) + ReLU + MaxPool 2x2 stride 2; returns the output's name. */
    private static String block(GraphProto.Builder graph, String input, String name) {
        graph.addNode(NodeProto.newBuilder()
                        .setName(name)
                        .setOpType("Conv")
                        .addInput(input)
                        .addInput(name + "_w")
                        .addInput(name + "_b")
                        .addOutput(name + "_out")
                        .addAttribute(ints("kernel_shape", 3, 3))
                        .addAttribute(ints("pads", 1, 1, 1, 1))
                        .addAttribute(ints("strides", 1, 1)))
                .addNode(NodeProto.newBuilder()
                        .setName(name + "_relu")
                        .setOpType("Relu")
                        .addInput(name + "_out")
                        .addOutput(name + "_act"))
                .addNode(NodeProto.newBuilder()
                        .setName(name + "_pool")
                        .setOpType("MaxPool")
                        .addInput(name + "_act")
                        .addOutput(name + "_pooled")
                        .addAttribute(ints("kernel_shape", 2, 2))
                        .addAttribute(ints("strides", 2, 2)));
        return name + "_pooled";
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder attribute =
                AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            attribute.addInts(v);
        }
        return attribute.build();
    }

    /** A TensorFlow HWIO kernel [kh][kw][in][out] as ONNX's OIHW. */
    private static TensorProto convKernel(String name, float[][][][] hwio) {
        int kh = hwio.length;
        int kw = hwio[0].length;
        int in = hwio[0][0].length;
        int out = hwio[0][0][0].length;
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(out)
                .addDims(in)
                .addDims(kh)
                .addDims(kw);
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int h = 0; h < kh; h++) {
                    for (int w = 0; w < kw; w++) {
                        t.addFloatData(hwio[h][w][i][o]);
                    }
                }
            }
        }
        return t.build();
    }

    private static TensorProto vector(String name, float[] values) {
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(values.length);
        for (float v : values) {
            t.addFloatData(v);
        }
        return t.build();
    }

    private static TensorProto matrix(String name, float[][] rows) {
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .addDims(rows.length)
                .addDims(rows[0].length);
        for (float[] row : rows) {
            for (float v : row) {
                t.addFloatData(v);
            }
        }
        return t.build();
    }

    private static ValueInfoProto floatTensor(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT.getNumber())
                                .setShape(shape)))
                .build();
    }
}
