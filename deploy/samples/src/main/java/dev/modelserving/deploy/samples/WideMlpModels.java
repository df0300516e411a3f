package dev.modelserving.deploy.samples;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import com.google.protobuf.ByteString;
import dev.modelserving.model.Checksums;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.Provenance;
import dev.modelserving.proto.ValidationSample;
import java.util.Random;

/**
 * The second heavy sample model: a wide MLP on the same 28x28 image records as the CNN ({@link CnnModels#images}),
 * 784 → {@value #HIDDEN} → {@value #HIDDEN} → 10 with ReLU and softmax, seeded untrained weights, as ONNX
 * ({@value #NAME}). About 1.9 million weights (7.5 MB of floats) and 3.7 MFLOPs per image: scored one record at a
 * time, every call streams all weights from memory for one matrix-vector product; in a batch the weights are read
 * once for the whole batch. It is the kind of model micro-batching is for, where the CNN (few weights, many
 * multiply-adds per weight) is bound by arithmetic whatever the batch.
 */
public final class WideMlpModels {

    /** Model name. */
    public static final String NAME = "image-wide-mlp-onnx";
    /** Width of both hidden layers. */
    public static final int HIDDEN = 1024;
    /** Input tensor name. */
    public static final String INPUT = "image";
    /** Output tensor name. */
    public static final String OUTPUT = "probabilities";
    /** Multiply-adds x 2 per image. */
    public static final long FLOPS_PER_RECORD =
            2L * (CnnWeights.PIXELS * HIDDEN + (long) HIDDEN * HIDDEN + (long) HIDDEN * CnnWeights.CLASSES);

    private WideMlpModels() {}

    /** The seeded weights: He-scaled Gaussian matrices [in][out], zero biases. */
    record Weights(float[][] w1, float[] b1, float[][] w2, float[] b2, float[][] w3, float[] b3) {

        static Weights seeded(long seed) {
            Random random = new Random(seed);
            return new Weights(
                    matrix(random, CnnWeights.PIXELS, HIDDEN),
                    new float[HIDDEN],
                    matrix(random, HIDDEN, HIDDEN),
                    new float[HIDDEN],
                    matrix(random, HIDDEN, CnnWeights.CLASSES),
                    new float[CnnWeights.CLASSES]);
        }

        private static float[][] matrix(Random random, int in, int out) {
            double scale = Math.sqrt(2.0 / in);
            float[][] m = new float[in][out];
            for (float[] row : m) {
                for (int j = 0; j < out; j++) {
                    row[j] = (float) (random.nextGaussian() * scale);
                }
            }
            return m;
        }

        /** The plain-Java forward pass: class probabilities of one image. */
        double[] predict(float[] pixels) {
            double[] h1 = dense(toDouble(pixels), w1, b1, true);
            double[] h2 = dense(h1, w2, b2, true);
            double[] logits = dense(h2, w3, b3, false);
            double max = Double.NEGATIVE_INFINITY;
            for (double l : logits) {
                max = Math.max(max, l);
            }
            double sum = 0;
            double[] p = new double[logits.length];
            for (int i = 0; i < p.length; i++) {
                p[i] = Math.exp(logits[i] - max);
                sum += p[i];
            }
            for (int i = 0; i < p.length; i++) {
                p[i] /= sum;
            }
            return p;
        }

        private static double[] toDouble(float[] values) {
            double[] d = new double[values.length];
            for (int i = 0; i < d.length; i++) {
                d[i] = values[i];
            }
            return d;
        }

        private static double[] dense(double[] in, float[][] w, float[] b, boolean relu) {
            double[] out = new double[b.length];
            for (int j = 0; j < out.length; j++) {
                out[j] = b[j];
            }
            for (int i = 0; i < in.length; i++) {
                float[] row = w[i];
                for (int j = 0; j < out.length; j++) {
                    out[j] += in[i] * row[j];
                }
            }
            if (relu) {
                for (int j = 0; j < out.length; j++) {
                    out[j] = Math.max(0, out[j]);
                }
            }
            return out;
        }
    }

    /** The ONNX descriptor, version 1 (weights seed {@link CnnModels#WEIGHT_SEED}). */
    public static SampleModel onnx() {
        Weights weights = Weights.seeded(CnnModels.WEIGHT_SEED);
        String description = "Heavy benchmark model: wide MLP on 28x28 images (784 -> " + HIDDEN + " -> " + HIDDEN
                + " -> 10, ReLU, softmax; " + FLOPS_PER_RECORD + " FLOPs per image), seeded untrained weights (seed "
                + CnnModels.WEIGHT_SEED + "), ONNX; input " + INPUT + " float[batch,784], output " + OUTPUT
                + " float[batch,10].";
        byte[] artifact = model(weights, description);
        ModelDescriptor.Builder descriptor = ModelDescriptor.newBuilder()
                .setName(NAME)
                .setVersion(1)
                .setDataType(CnnModels.DATA_TYPE)
                .setModelType(ModelType.ONNX)
                .setDescription(description)
                .setArtifactBytes(ByteString.copyFrom(artifact))
                .setArtifactSha256(Checksums.sha256Hex(artifact))
                .setValidationTolerance(SampleModels.VALIDATION_TOLERANCE)
                .setInput(InputSpec.newBuilder().setTensorName(INPUT).addShape(CnnWeights.PIXELS))
                .setOutput(OutputSpec.newBuilder()
                        .setKind(OutputKind.CLASSIFICATION)
                        .addTensorNames(OUTPUT))
                .setProvenance(Provenance.newBuilder()
                        .setTrainingDataId("untrained: seeded weights, seed " + CnnModels.WEIGHT_SEED)
                        .setCodeVersion(SampleModels.CODE_VERSION)
                        .setCreatedAtEpochMillis(SampleModels.CREATED_AT.toEpochMilli()));
        for (DataRecord image : CnnModels.images(CnnModels.VALIDATION_SEED, SampleModels.VALIDATION_SAMPLES)) {
            float[] pixels = new float[image.getVectorCount()];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = image.getVector(i);
            }
            double[] probabilities = weights.predict(pixels);
            ValidationSample.Builder sample = ValidationSample.newBuilder()
                    .setInput(image)
                    .setExpectedLabel(Integer.toString(CnnWeights.argmax(probabilities)));
            for (double p : probabilities) {
                sample.addExpectedOutputs(p);
            }
            descriptor.addValidationSamples(sample);
        }
        return new SampleModel(descriptor.build(), ".onnx", 1.0 / CnnWeights.CLASSES);
    }

    /** The serialized ModelProto: Gemm + Relu, Gemm + Relu, Gemm, Softmax (opset {@value OnnxDocuments#OPSET}). */
    static byte[] model(Weights weights, String docString) {
        GraphProto.Builder graph = GraphProto.newBuilder()
                .setName("image_wide_mlp")
                .setDocString(docString)
                .addInitializer(CnnOnnx.matrix("w1", weights.w1()))
                .addInitializer(CnnOnnx.vector("b1", weights.b1()))
                .addInitializer(CnnOnnx.matrix("w2", weights.w2()))
                .addInitializer(CnnOnnx.vector("b2", weights.b2()))
                .addInitializer(CnnOnnx.matrix("w3", weights.w3()))
                .addInitializer(CnnOnnx.vector("b3", weights.b3()));
        String h1 = layer(graph, INPUT, "1", true);
        String h2 = layer(graph, h1, "2", true);
        String logits = layer(graph, h2, "3", false);
        graph.addNode(NodeProto.newBuilder()
                        .setName("softmax")
                        .setOpType("Softmax")
                        .addInput(logits)
                        .addOutput(OUTPUT)
                        .addAttribute(AttributeProto.newBuilder()
                                .setName("axis")
                                .setType(AttributeProto.AttributeType.INT)
                                .setI(1)))
                .addInput(CnnOnnx.floatTensor(INPUT, CnnWeights.PIXELS))
                .addOutput(CnnOnnx.floatTensor(OUTPUT, CnnWeights.CLASSES));
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

    /** Gemm (+ Relu); returns the output's name. */
    private static String layer(GraphProto.Builder graph, String input, String n, boolean relu) {
        graph.addNode(NodeProto.newBuilder()
                .setName("dense" + n)
                .setOpType("Gemm")
                .addInput(input)
                .addInput("w" + n)
                .addInput("b" + n)
                .addOutput("z" + n));
        if (!relu) {
            return "z" + n;
        }
        graph.addNode(NodeProto.newBuilder()
                .setName("relu" + n)
                .setOpType("Relu")
                .addInput("z" + n)
                .addOutput("h" + n));
        return "h" + n;
    }
}
