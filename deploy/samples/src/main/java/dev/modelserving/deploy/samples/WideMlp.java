package dev.modelserving.deploy.samples;

import java.util.SplittableRandom;

/**
 * A wide multi-layer perceptron with seeded, untrained float32 weights, and its plain-Java forward pass: the BIG
 * model of the memory benchmark (its size is chosen by its width and depth, e.g. 2048 wide and 9 hidden layers are
 * 8 dense 2048 x 2048 matrices, about 128 MiB of weights), and a few KB when small.
 *
 * <p>{@code h0 = x}, {@code h(l+1) = ReLU(h(l) W(l) + b(l))} for the hidden layers, then
 * {@code probabilities = Softmax(h W + b)} over {@link #classes()} classes. Weights are He-uniform
 * (U(-sqrt(6 / fan-in), +sqrt(6 / fan-in))), biases U(-0.1, 0.1), drawn layer after layer from one seed: the same
 * arguments always give the same weights.
 */
public final class WideMlp {

    private final int inputs;
    private final int width;
    private final int classes;
    /** Per dense layer: the [fan-in][fan-out] matrix, row-major. */
    private final float[][] weights;
    /** Per dense layer: the fan-out biases. */
    private final float[][] biases;

    private WideMlp(int inputs, int width, int classes, float[][] weights, float[][] biases) {
        this.inputs = inputs;
        this.width = width;
        this.classes = classes;
        this.weights = weights;
        this.biases = biases;
    }

    /**
     * A network of {@code hiddenLayers} ReLU layers of {@code width} units on {@code inputs} features, then a softmax
     * layer of {@code classes} classes, with weights from {@code seed}.
     */
    public static WideMlp seeded(long seed, int inputs, int width, int hiddenLayers, int classes) {
        if (inputs < 1 || width < 1 || hiddenLayers < 1 || classes < 2) {
            throw new IllegalArgumentException("a wide MLP needs inputs, width and hidden layers >= 1 and classes >= 2,"
                    + " got " + inputs + ", " + width + ", " + hiddenLayers + ", " + classes);
        }
        long parameters = (long) inputs * width + (long) (hiddenLayers - 1) * width * width + (long) width * classes;
        if ((long) width * width > Integer.MAX_VALUE - 8 || parameters * Float.BYTES > 1024L * 1024 * 1024) {
            throw new IllegalArgumentException("a wide MLP of " + parameters + " weights is over 1 GiB");
        }
        SplittableRandom random = new SplittableRandom(seed);
        int layers = hiddenLayers + 1;
        float[][] weights = new float[layers][];
        float[][] biases = new float[layers][];
        for (int l = 0; l < layers; l++) {
            int fanIn = l == 0 ? inputs : width;
            int fanOut = l == layers - 1 ? classes : width;
            double limit = Math.sqrt(6.0 / fanIn);
            float[] w = new float[fanIn * fanOut];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextDouble(-limit, limit);
            }
            float[] b = new float[fanOut];
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) random.nextDouble(-0.1, 0.1);
            }
            weights[l] = w;
            biases[l] = b;
        }
        return new WideMlp(inputs, width, classes, weights, biases);
    }

    /** Features of one record. */
    public int inputs() {
        return inputs;
    }

    /** Units of each hidden layer. */
    public int width() {
        return width;
    }

    /** Classes of the softmax output. */
    public int classes() {
        return classes;
    }

    /** Dense layers (the hidden layers and the output layer). */
    public int layers() {
        return weights.length;
    }

    /** Bytes of all weights and biases as float32: about the size of the model's artifact. */
    public long parameterBytes() {
        long floats = 0;
        for (int l = 0; l < weights.length; l++) {
            floats += weights[l].length + biases[l].length;
        }
        return floats * Float.BYTES;
    }

    /** Fan-in of dense layer {@code layer}. */
    int fanIn(int layer) {
        return layer == 0 ? inputs : width;
    }

    /** Fan-out of dense layer {@code layer}. */
    int fanOut(int layer) {
        return biases[layer].length;
    }

    /** The [fan-in][fan-out] matrix of dense layer {@code layer}, row-major (not a copy: do not change it). */
    float[] weights(int layer) {
        return weights[layer];
    }

    /** The biases of dense layer {@code layer} (not a copy: do not change it). */
    float[] biases(int layer) {
        return biases[layer];
    }

    /** The class probabilities of one record of {@link #inputs()} features (independent of any runtime). */
    public double[] predict(float[] x) {
        if (x.length != inputs) {
            throw new IllegalArgumentException("expected " + inputs + " features, got " + x.length);
        }
        double[] h = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            h[i] = x[i];
        }
        for (int l = 0; l < weights.length; l++) {
            int fanOut = fanOut(l);
            double[] next = new double[fanOut];
            for (int o = 0; o < fanOut; o++) {
                next[o] = biases[l][o];
            }
            float[] w = weights[l];
            for (int i = 0; i < h.length; i++) {
                double hi = h[i];
                if (hi == 0) {
                    continue;
                }
                int row = i * fanOut;
                for (int o = 0; o < fanOut; o++) {
                    next[o] += hi * w[row + o];
                }
            }
            if (l < weights.length - 1) {
                for (int o = 0; o < fanOut; o++) {
                    next[o] = Math.max(0, next[o]);
                }
            }
            h = next;
        }
        return softmax(h);
    }

    private static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
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
