package dev.modelserving.model.tensorflow;

import dev.modelserving.model.archive.TestArchiveBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

/**
 * A small multilayer perceptron with known weights, built with TensorFlow Java ops: 3 inputs -> 4 ReLU units -> two
 * heads, a 2-class softmax ({@link #LOGITS}, {@link #PROBABILITIES}, {@link #CLASS_INDEX}, {@link #CLASS_NAME}) and
 * a linear score ({@link #SCORE}). Available as a frozen GraphDef and as SavedModels, plus the same forward pass in
 * plain Java to compute expected values independently of TensorFlow. Shared with other modules' tests through the
 * test-jar.
 */
public final class TfTestModels {

    /** The input tensor / placeholder name and SavedModel input key. */
    public static final String INPUT = "features";

    public static final String LOGITS = "logits";
    public static final String PROBABILITIES = "probabilities";
    /** argmax of the logits: INT64 in the float graph, INT32 in the double graph. */
    public static final String CLASS_INDEX = "class_index";
    /** The predicted class as a string ({@link #CLASS_NAMES}). */
    public static final String CLASS_NAME = "class_name";
    /** The regression head, shape [batch, 1]. */
    public static final String SCORE = "score";

    /** Record feature names, in input order. */
    public static final List<String> FEATURE_NAMES = List.of("temperature_c", "fan_rpm", "load_percent");

    public static final List<String> CLASS_NAMES = List.of("normal", "overheating");

    // Values exactly representable as floats, so the float graph computes on the very same weights.
    private static final double[][] W1 = {
        {0.5, -0.25, 0.75, 0.125},
        {-0.5, 0.375, 0.25, -0.625},
        {0.25, 0.5, -0.375, 0.875}
    };
    private static final double[] B1 = {0.125, -0.25, 0.0, 0.5};
    private static final double[][] W2 = {{1.5, -1.0}, {-0.75, 1.25}, {0.5, 0.25}, {-1.0, 2.0}};
    private static final double[] B2 = {0.25, -0.125};
    private static final double[][] W3 = {{0.75}, {-1.5}, {1.25}, {0.5}};
    private static final double[] B3 = {0.375};

    private TfTestModels() {}

    // ------------------------------------------------------------------ plain Java forward pass

    /** The ReLU layer. */
    public static double[] hidden(double[] x) {
        double[] h = affine(x, W1, B1);
        for (int i = 0; i < h.length; i++) {
            h[i] = Math.max(0, h[i]);
        }
        return h;
    }

    public static double[] logits(double[] x) {
        return affine(hidden(x), W2, B2);
    }

    /** Softmax of the logits. */
    public static double[] probabilities(double[] x) {
        double[] z = logits(x);
        double max = Math.max(z[0], z[1]);
        double e0 = Math.exp(z[0] - max);
        double e1 = Math.exp(z[1] - max);
        return new double[] {e0 / (e0 + e1), e1 / (e0 + e1)};
    }

    /** Index of the larger logit (the first on a tie, like tf.argmax). */
    public static int predictedClass(double[] x) {
        double[] z = logits(x);
        return z[1] > z[0] ? 1 : 0;
    }

    /** The regression head. */
    public static double score(double[] x) {
        return affine(hidden(x), W3, B3)[0];
    }

    private static double[] affine(double[] x, double[][] w, double[] b) {
        double[] y = b.clone();
        for (int j = 0; j < y.length; j++) {
            for (int i = 0; i < x.length; i++) {
                y[j] += x[i] * w[i][j];
            }
        }
        return y;
    }

    // ------------------------------------------------------------------ frozen graphs

    /** The float model as a frozen GraphDef: placeholder {@code features} of shape [-1, 3]. */
    public static byte[] frozenGraph() {
        return frozenGraph(TFloat32.class, Shape.of(-1, 3));
    }

    /**
     * The model as a frozen GraphDef with a placeholder of the given type and static shape ({@code null}: unknown
     * rank); the placeholder is reshaped to [-1, 3] inside the graph, so [3], [-1, 3] and unknown all work.
     */
    public static <T extends TNumber> byte[] frozenGraph(Class<T> inputType, Shape placeholderShape) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<T> x = placeholderShape == null
                    ? tf.withName(INPUT).placeholder(inputType)
                    : tf.withName(INPUT).placeholder(inputType, Placeholder.shape(placeholderShape));
            Operand<T> rows = tf.reshape(x, tf.constant(new long[] {-1, 3}));
            heads(tf, rows, inputType, false);
            return graph.toGraphDef().toByteArray();
        }
    }

    /** A graph with two placeholders ({@code a}, {@code b}) added together: the input cannot be inferred. */
    public static byte[] twoPlaceholderGraph() {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> a = tf.withName("a").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
            Placeholder<TFloat32> b = tf.withName("b").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
            tf.withName("sum").math.add(a, b);
            return graph.toGraphDef().toByteArray();
        }
    }

    // ------------------------------------------------------------------ SavedModels

    /**
     * Exports the float model (weights as variables) with one signature {@code signatureKey}: input
     * {@link #INPUT}, output {@link #PROBABILITIES}.
     *
     * @param directory a directory that does not exist yet
     */
    public static Path savedModel(Path directory, String signatureKey) {
        return export(
                directory,
                (tf, x, heads) -> List.of(Signature.builder(signatureKey)
                        .input(INPUT, x)
                        .output(PROBABILITIES, heads.probabilities())
                        .build()));
    }

    /**
     * Exports the float model with two signatures and no {@code serving_default}: {@code predict} (input
     * {@link #INPUT}; outputs {@link #PROBABILITIES} and {@link #CLASS_INDEX}) and {@code regress} (input
     * {@link #INPUT}; output {@link #SCORE}).
     */
    public static Path savedModelWithTwoSignatures(Path directory) {
        return export(
                directory,
                (tf, x, heads) -> List.of(
                        Signature.builder("predict")
                                .input(INPUT, x)
                                .output(PROBABILITIES, heads.probabilities())
                                .output(CLASS_INDEX, heads.classIndex())
                                .build(),
                        Signature.builder("regress")
                                .input(INPUT, x)
                                .output(SCORE, heads.score())
                                .build()));
    }

    /** A directory as a zip archive, entries under {@code prefix} ("" or e.g. "model/"). */
    public static byte[] zip(Path directory, String prefix) {
        return TestArchiveBuilder.of(TestArchiveBuilder.Format.ZIP)
                .tree(directory, prefix)
                .build();
    }

    /** A directory as a tar.gz archive, entries under {@code prefix} ("" or e.g. "model/"). */
    public static byte[] tarGz(Path directory, String prefix) {
        return TestArchiveBuilder.of(TestArchiveBuilder.Format.TAR_GZ)
                .tree(directory, prefix)
                .build();
    }

    /** A directory as an uncompressed tar archive, entries under {@code prefix}. */
    public static byte[] tar(Path directory, String prefix) {
        return TestArchiveBuilder.of(TestArchiveBuilder.Format.TAR)
                .tree(directory, prefix)
                .build();
    }

    private interface Signatures {
        List<Signature> build(Ops tf, Placeholder<TFloat32> x, Heads<TFloat32> heads);
    }

    private static Path export(Path directory, Signatures signatures) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x =
                    tf.withName(INPUT).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
            Heads<TFloat32> heads = heads(tf, x, TFloat32.class, true);
            try (Session session = new Session(graph)) {
                session.initialize();
                SavedModelBundle.Exporter exporter = SavedModelBundle.exporter(directory.toString());
                for (Signature signature : signatures.build(tf, x, heads)) {
                    exporter.withFunction(SessionFunction.create(signature, session));
                }
                exporter.export();
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export a SavedModel to " + directory, e);
        }
    }

    // ------------------------------------------------------------------ the network

    private record Heads<T extends TNumber>(
            Operand<T> probabilities, Operand<? extends TNumber> classIndex, Operand<T> score) {}

    private static <T extends TNumber> Heads<T> heads(Ops tf, Operand<T> x, Class<T> type, boolean variables) {
        Operand<T> h = tf.nn.relu(tf.math.add(
                tf.linalg.matMul(x, weights(tf, type, W1, variables)),
                weights(tf, type, new double[][] {B1}, variables)));
        Operand<T> logits = tf.withName(LOGITS)
                .math
                .add(
                        tf.linalg.matMul(h, weights(tf, type, W2, variables)),
                        weights(tf, type, new double[][] {B2}, variables));
        Operand<T> probabilities = tf.withName(PROBABILITIES).nn.softmax(logits);
        Operand<? extends TNumber> classIndex = type == TFloat64.class
                ? tf.withName(CLASS_INDEX).math.argMax(logits, tf.constant(1), TInt32.class)
                : tf.withName(CLASS_INDEX).math.argMax(logits, tf.constant(1), TInt64.class);
        tf.withName(CLASS_NAME)
                .gather(
                        tf.constant(StandardCharsets.UTF_8, CLASS_NAMES.toArray(new String[0])),
                        classIndex,
                        tf.constant(0));
        Operand<T> score = tf.withName(SCORE)
                .math
                .add(
                        tf.linalg.matMul(h, weights(tf, type, W3, variables)),
                        weights(tf, type, new double[][] {B3}, variables));
        return new Heads<>(probabilities, classIndex, score);
    }

    @SuppressWarnings("unchecked")
    private static <T extends TNumber> Operand<T> weights(Ops tf, Class<T> type, double[][] w, boolean variable) {
        Operand<T> constant;
        if (type == TFloat64.class) {
            constant = (Operand<T>) tf.constant(w);
        } else if (type == TFloat32.class) {
            float[][] f = new float[w.length][];
            for (int i = 0; i < w.length; i++) {
                f[i] = new float[w[i].length];
                for (int j = 0; j < w[i].length; j++) {
                    f[i][j] = (float) w[i][j];
                }
            }
            constant = (Operand<T>) tf.constant(f);
        } else {
            throw new IllegalArgumentException("float or double only: " + type);
        }
        return variable ? tf.variable(constant) : constant;
    }
}
