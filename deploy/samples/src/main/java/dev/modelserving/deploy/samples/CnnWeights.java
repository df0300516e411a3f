package dev.modelserving.deploy.samples;

import java.util.Random;

/**
 * The parameters of the heavy sample model, a small convolutional network on 28x28 single-channel images, and its
 * plain-Java forward pass (the reference the TensorFlow and ONNX exports are checked against).
 *
 * <p>Network: conv 3x3, 1 to {@value #CONV1_CHANNELS} channels, SAME padding, ReLU, max-pool 2x2 (28 to 14); conv
 * 3x3, {@value #CONV1_CHANNELS} to {@value #CONV2_CHANNELS} channels, SAME, ReLU, max-pool 2x2 (14 to 7); flatten in
 * height-width-channel order; dense to {@value #CLASSES} logits; softmax. About {@value #FLOPS_PER_RECORD} floating
 * point operations per image, almost all in the second convolution: scoring, not Kafka, is the ceiling of a job
 * serving it.
 *
 * <p>The weights are not trained: they are drawn from a seeded generator (He initialisation), so the model is a
 * reproducible cost model for benchmarks, and its outputs are a fixed function of the image that the exports must
 * reproduce. Immutable: the arrays are never handed out.
 */
public final class CnnWeights {

    /** Image side in pixels. */
    public static final int SIDE = 28;
    /** Values per image (28 x 28 x 1). */
    public static final int PIXELS = SIDE * SIDE;
    /** Output channels of the first convolution. */
    public static final int CONV1_CHANNELS = 16;
    /** Output channels of the second convolution. */
    public static final int CONV2_CHANNELS = 32;
    /** Number of output classes. */
    public static final int CLASSES = 10;
    /** Side of the feature map after the two poolings. */
    static final int POOLED_SIDE = SIDE / 4;
    /** Inputs of the dense layer (7 x 7 x 32). */
    public static final int DENSE_INPUTS = POOLED_SIDE * POOLED_SIDE * CONV2_CHANNELS;
    /** Multiply-adds counted twice: both convolutions and the dense layer. */
    public static final long FLOPS_PER_RECORD = 2L * SIDE * SIDE * CONV1_CHANNELS * 9
            + 2L * (SIDE / 2) * (SIDE / 2) * CONV2_CHANNELS * CONV1_CHANNELS * 9
            + 2L * DENSE_INPUTS * CLASSES;

    private static final int K = 3;

    /** [kh][kw][in][out] (TensorFlow's HWIO order). */
    private final float[][][][] conv1;

    private final float[] bias1;
    /** [kh][kw][in][out]. */
    private final float[][][][] conv2;

    private final float[] bias2;
    /** [DENSE_INPUTS][CLASSES], inputs in height-width-channel order. */
    private final float[][] dense;

    private final float[] denseBias;

    private CnnWeights(
            float[][][][] conv1,
            float[] bias1,
            float[][][][] conv2,
            float[] bias2,
            float[][] dense,
            float[] denseBias) {
        this.conv1 = conv1;
        this.bias1 = bias1;
        this.conv2 = conv2;
        this.bias2 = bias2;
        this.dense = dense;
        this.denseBias = denseBias;
    }

    /** Weights drawn from {@code seed}: He-initialised kernels, small biases. The same seed gives the same weights. */
    public static CnnWeights seeded(long seed) {
        Random random = new Random(seed);
        return new CnnWeights(
                kernel(random, 1, CONV1_CHANNELS),
                biases(random, CONV1_CHANNELS),
                kernel(random, CONV1_CHANNELS, CONV2_CHANNELS),
                biases(random, CONV2_CHANNELS),
                matrix(random, DENSE_INPUTS, CLASSES, Math.sqrt(2.0 / DENSE_INPUTS)),
                biases(random, CLASSES));
    }

    private static float[][][][] kernel(Random random, int in, int out) {
        double scale = Math.sqrt(2.0 / (K * K * in));
        float[][][][] w = new float[K][K][in][out];
        for (float[][][] row : w) {
            for (float[][] cell : row) {
                for (float[] channel : cell) {
                    for (int o = 0; o < out; o++) {
                        channel[o] = (float) (random.nextGaussian() * scale);
                    }
                }
            }
        }
        return w;
    }

    private static float[] biases(Random random, int n) {
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            b[i] = (float) (random.nextGaussian() * 0.05);
        }
        return b;
    }

    private static float[][] matrix(Random random, int rows, int columns, double scale) {
        float[][] m = new float[rows][columns];
        for (float[] row : m) {
            for (int c = 0; c < columns; c++) {
                row[c] = (float) (random.nextGaussian() * scale);
            }
        }
        return m;
    }

    /** The first kernel, [3][3][1][16] (height, width, in, out); a copy. */
    float[][][][] conv1() {
        return deepCopy(conv1);
    }

    float[] bias1() {
        return bias1.clone();
    }

    /** The second kernel, [3][3][16][32]; a copy. */
    float[][][][] conv2() {
        return deepCopy(conv2);
    }

    float[] bias2() {
        return bias2.clone();
    }

    /** The dense weights, [1568][10], inputs in height-width-channel order; a copy. */
    float[][] dense() {
        float[][] copy = new float[dense.length][];
        for (int i = 0; i < dense.length; i++) {
            copy[i] = dense[i].clone();
        }
        return copy;
    }

    float[] denseBias() {
        return denseBias.clone();
    }

    private static float[][][][] deepCopy(float[][][][] w) {
        float[][][][] copy = new float[w.length][w[0].length][w[0][0].length][];
        for (int a = 0; a < w.length; a++) {
            for (int b = 0; b < w[a].length; b++) {
                for (int c = 0; c < w[a][b].length; c++) {
                    copy[a][b][c] = w[a][b][c].clone();
                }
            }
        }
        return copy;
    }

    /**
     * The class probabilities of one image (independent of TensorFlow and ONNX Runtime; double precision).
     *
     * @param image {@value #PIXELS} pixel values, row-major (row, then column; one channel)
     * @throws IllegalArgumentException when the image does not have {@value #PIXELS} values
     */
    public double[] predict(float[] image) {
        if (image.length != PIXELS) {
            throw new IllegalArgumentException("expected " + PIXELS + " pixels, got " + image.length);
        }
        double[][][] input = new double[SIDE][SIDE][1];
        for (int i = 0; i < PIXELS; i++) {
            input[i / SIDE][i % SIDE][0] = image[i];
        }
        double[][][] first = maxPool(relu(convolve(input, conv1, bias1)));
        double[][][] second = maxPool(relu(convolve(first, conv2, bias2)));
        double[] logits = new double[CLASSES];
        for (int k = 0; k < CLASSES; k++) {
            logits[k] = denseBias[k];
        }
        int j = 0;
        for (double[][] row : second) {
            for (double[] cell : row) {
                for (double value : cell) {
                    for (int k = 0; k < CLASSES; k++) {
                        logits[k] += value * dense[j][k];
                    }
                    j++;
                }
            }
        }
        return softmax(logits);
    }

    /** The index of the largest probability. */
    public static int argmax(double[] probabilities) {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double[][][] convolve(double[][][] in, float[][][][] w, float[] b) {
        int side = in.length;
        int channelsIn = in[0][0].length;
        int channelsOut = b.length;
        double[][][] out = new double[side][side][channelsOut];
        for (int h = 0; h < side; h++) {
            for (int x = 0; x < side; x++) {
                double[] sums = out[h][x];
                for (int o = 0; o < channelsOut; o++) {
                    sums[o] = b[o];
                }
                for (int kh = 0; kh < K; kh++) {
                    int ih = h + kh - 1;
                    if (ih < 0 || ih >= side) {
                        continue;
                    }
                    for (int kw = 0; kw < K; kw++) {
                        int iw = x + kw - 1;
                        if (iw < 0 || iw >= side) {
                            continue;
                        }
                        for (int i = 0; i < channelsIn; i++) {
                            double v = in[ih][iw][i];
                            float[] weights = w[kh][kw][i];
                            for (int o = 0; o < channelsOut; o++) {
                                sums[o] += v * weights[o];
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static double[][][] relu(double[][][] in) {
        for (double[][] row : in) {
            for (double[] cell : row) {
                for (int c = 0; c < cell.length; c++) {
                    cell[c] = Math.max(0, cell[c]);
                }
            }
        }
        return in;
    }

    private static double[][][] maxPool(double[][][] in) {
        int side = in.length / 2;
        int channels = in[0][0].length;
        double[][][] out = new double[side][side][channels];
        for (int h = 0; h < side; h++) {
            for (int x = 0; x < side; x++) {
                for (int c = 0; c < channels; c++) {
                    out[h][x][c] = Math.max(
                            Math.max(in[2 * h][2 * x][c], in[2 * h][2 * x + 1][c]),
                            Math.max(in[2 * h + 1][2 * x][c], in[2 * h + 1][2 * x + 1][c]));
                }
            }
        }
        return out;
    }

    private static double[] softmax(double[] logits) {
        double max = logits[argmax(logits)];
        double sum = 0;
        double[] p = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
