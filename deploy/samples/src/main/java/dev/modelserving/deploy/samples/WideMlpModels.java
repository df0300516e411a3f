package dev.modelserving.deploy.samples;

import com.google.protobuf.ByteString;
import dev.modelserving.model.Checksums;

/**
 * The second heavy sample model: a wide MLP ({@link WideMlp}) on the same 784-float image records as the CNN
 * ({@link CnnModels#images}), 784 → {@value #WIDTH} → {@value #WIDTH} → 10 with ReLU and softmax, seeded untrained
 * weights, as ONNX ({@value #NAME}): about 1.9 million weights (7.5 MB of floats), 3.7 MFLOPs per image. Scored one
 * record at a time, every call streams all weights from memory for one matrix-vector product; in a batch they are
 * read once for the whole batch. It is the kind of model micro-batching is for, where the CNN (few weights, many
 * multiply-adds per weight) is bound by arithmetic whatever the batch.
 */
public final class WideMlpModels {

    /** Model name. */
    public static final String NAME = "image-wide-mlp-onnx";
    /** Width of both hidden layers. */
    public static final int WIDTH = 1024;
    /** Hidden layers. */
    public static final int HIDDEN_LAYERS = 2;
    /** Multiply-adds x 2 per image. */
    public static final long FLOPS_PER_RECORD =
            2L * ((long) CnnWeights.PIXELS * WIDTH + (long) WIDTH * WIDTH + (long) WIDTH * CnnWeights.CLASSES);

    private WideMlpModels() {}

    /** The ONNX descriptor, version 1, weights from seed {@link CnnModels#WEIGHT_SEED}, artifact inline. */
    public static SampleModel onnx() {
        WideMlp mlp =
                WideMlp.seeded(CnnModels.WEIGHT_SEED, CnnWeights.PIXELS, WIDTH, HIDDEN_LAYERS, CnnWeights.CLASSES);
        String description = "Heavy benchmark model: wide MLP on 28x28 images (784 -> " + WIDTH + " -> " + WIDTH
                + " -> 10, ReLU, softmax; " + FLOPS_PER_RECORD + " FLOPs per image), seeded untrained weights (seed "
                + CnnModels.WEIGHT_SEED + "), ONNX; input " + WideMlpOnnx.INPUT + " float[batch,784], output "
                + WideMlpOnnx.OUTPUT + " float[batch,10].";
        byte[] artifact = WideMlpOnnx.bytes(mlp, description);
        return new SampleModel(
                WideMlpOnnx.descriptor(mlp, NAME, 1, CnnModels.DATA_TYPE, description)
                        .setArtifactBytes(ByteString.copyFrom(artifact))
                        .setArtifactSha256(Checksums.sha256Hex(artifact))
                        .build(),
                ".onnx",
                1.0 / CnnWeights.CLASSES);
    }
}
