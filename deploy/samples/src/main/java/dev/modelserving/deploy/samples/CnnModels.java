package dev.modelserving.deploy.samples;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The heavy sample model: a small CNN on 28x28 single-channel images ({@link CnnWeights}, about 2 MFLOPs per image,
 * seeded weights), as a TensorFlow frozen graph ({@value #CNN_GRAPH}) and as ONNX ({@value #CNN_ONNX}), for
 * benchmarks in which scoring, not Kafka, is the ceiling.
 *
 * <p>Records ({@link #images}) carry the image as {@code DataRecord.vector}: 784 floats in row-major pixel order,
 * without {@code vector_shape}. Each descriptor declares its own per-record shape: [28, 28, 1] for TensorFlow (NHWC)
 * and [1, 28, 28] for ONNX (NCHW); with a single channel both layouts are the same 784 values in the same order, so
 * one record feeds both. Validation samples: {@value SampleModels#VALIDATION_SAMPLES} generated images with the
 * probabilities and label of the plain-Java forward pass ({@link CnnWeights#predict}).
 */
public final class CnnModels {

    /** Data type of the image records and of both CNN descriptors. */
    public static final String DATA_TYPE = "image-28x28";
    /** Model name: the CNN as a TensorFlow frozen graph. */
    public static final String CNN_GRAPH = "image-cnn-graph";
    /** Model name: the CNN as ONNX. */
    public static final String CNN_ONNX = "image-cnn-onnx";
    /** Seed of the weights. */
    public static final long WEIGHT_SEED = SampleModels.SEED;
    /** Seed of the validation images. */
    public static final long VALIDATION_SEED = 4242;

    private CnnModels() {}

    /** The weights of both exports (seed {@value #WEIGHT_SEED}). */
    public static CnnWeights weights() {
        return CnnWeights.seeded(WEIGHT_SEED);
    }

    /** The TensorFlow frozen-graph descriptor, version 1. */
    public static SampleModel tensorflow() {
        CnnWeights weights = weights();
        String description = "Heavy benchmark model: " + summary() + " TensorFlow frozen graph; input " + CnnGraph.INPUT
                + " float[-1,28,28,1] (NHWC), output " + CnnGraph.OUTPUT + " float[-1,10].";
        ModelDescriptor descriptor = descriptor(
                        CNN_GRAPH, ModelType.TENSORFLOW_GRAPH, description, CnnGraph.graphDef(weights), weights)
                .setInput(InputSpec.newBuilder()
                        .setTensorName(CnnGraph.INPUT)
                        .addShape(CnnWeights.SIDE)
                        .addShape(CnnWeights.SIDE)
                        .addShape(1))
                .setOutput(OutputSpec.newBuilder()
                        .setKind(OutputKind.CLASSIFICATION)
                        .addTensorNames(CnnGraph.OUTPUT))
                .build();
        return new SampleModel(descriptor, ".pb", 1.0 / CnnWeights.CLASSES);
    }

    /** The ONNX descriptor, version 1. */
    public static SampleModel onnx() {
        CnnWeights weights = weights();
        String description = "Heavy benchmark model: " + summary() + " ONNX; input " + CnnOnnx.INPUT
                + " float[batch,1,28,28] (NCHW), output " + CnnOnnx.OUTPUT + " float[batch,10].";
        ModelDescriptor descriptor = descriptor(
                        CNN_ONNX, ModelType.ONNX, description, CnnOnnx.model(weights, description), weights)
                .setInput(InputSpec.newBuilder()
                        .setTensorName(CnnOnnx.INPUT)
                        .addShape(1)
                        .addShape(CnnWeights.SIDE)
                        .addShape(CnnWeights.SIDE))
                .setOutput(OutputSpec.newBuilder()
                        .setKind(OutputKind.CLASSIFICATION)
                        .addTensorNames(CnnOnnx.OUTPUT))
                .build();
        return new SampleModel(descriptor, ".onnx", 1.0 / CnnWeights.CLASSES);
    }

    /**
     * {@code count} generated image records of data type {@value #DATA_TYPE} (ids {@code image-<i>}, keys
     * {@code camera-<i % 10>}): pixel values in [0, 1), a bright square on a noisy background, from {@code seed}.
     */
    public static List<DataRecord> images(long seed, int count) {
        Random random = new Random(seed);
        List<DataRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            DataRecord.Builder record = DataRecord.newBuilder()
                    .setDataType(DATA_TYPE)
                    .setKey("camera-" + (i % 10))
                    .setId("image-" + i);
            for (float pixel : image(random)) {
                record.addVector(pixel);
            }
            records.add(record.build());
        }
        return records;
    }

    /** The pixels of one generated image. */
    static float[] image(Random random) {
        float[] pixels = new float[CnnWeights.PIXELS];
        int top = random.nextInt(CnnWeights.SIDE - 8);
        int left = random.nextInt(CnnWeights.SIDE - 8);
        int size = 4 + random.nextInt(5);
        for (int i = 0; i < pixels.length; i++) {
            int row = i / CnnWeights.SIDE;
            int column = i % CnnWeights.SIDE;
            boolean inside = row >= top && row < top + size && column >= left && column < left + size;
            pixels[i] = inside ? 0.8f + 0.2f * random.nextFloat() : 0.3f * random.nextFloat();
        }
        return pixels;
    }

    private static String summary() {
        return "CNN on 28x28x1 images (conv 3x3x" + CnnWeights.CONV1_CHANNELS + " + ReLU + max-pool 2x2, conv 3x3x"
                + CnnWeights.CONV2_CHANNELS + " + ReLU + max-pool 2x2, dense to " + CnnWeights.CLASSES
                + ", softmax; " + CnnWeights.FLOPS_PER_RECORD + " FLOPs per image), seeded untrained weights (seed "
                + WEIGHT_SEED + ").";
    }

    private static ModelDescriptor.Builder descriptor(
            String name, ModelType type, String description, byte[] artifact, CnnWeights weights) {
        ModelDescriptor.Builder descriptor = ModelDescriptor.newBuilder()
                .setName(name)
                .setVersion(1)
                .setDataType(DATA_TYPE)
                .setModelType(type)
                .setDescription(description)
                .setArtifactBytes(ByteString.copyFrom(artifact))
                .setArtifactSha256(Checksums.sha256Hex(artifact))
                .setValidationTolerance(SampleModels.VALIDATION_TOLERANCE)
                .setProvenance(Provenance.newBuilder()
                        .setTrainingDataId("untrained: seeded weights, seed " + WEIGHT_SEED)
                        .setCodeVersion(SampleModels.CODE_VERSION)
                        .setCreatedAtEpochMillis(SampleModels.CREATED_AT.toEpochMilli()));
        for (DataRecord image : images(VALIDATION_SEED, SampleModels.VALIDATION_SAMPLES)) {
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
        return descriptor;
    }
}
