package dev.modelserving.deploy.samples;

import dev.modelserving.deploy.archive.DirectoryZip;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Gradients;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;

/**
 * Fits the sample temperature MLP ({@link MlpWeights}) in TensorFlow Java, graph mode: Variables initialised from a
 * seeded {@link Random}, mean squared error on the standardised temperature change, gradients from TensorFlow's
 * gradient support ({@code tf.gradients}), and plain full-batch gradient descent ({@code ApplyGradientDescent}).
 * The trained session is exported as a SavedModel (signature {@value #SIGNATURE_KEY}: input {@value #SIGNATURE_INPUT}
 * float [-1, 3], output {@value #SIGNATURE_OUTPUT} float [-1, 1]) and zipped.
 *
 * <p>Reproducibility: the session runs single-threaded and saved_model.pb is rewritten with sorted map entries
 * (TensorFlow writes them in hash order), so in one environment the same seed gives the same weights and the same
 * SavedModel bytes (checked by a test). Across environments they are not guaranteed: TensorFlow's kernels round
 * differently with other instruction sets or oneDNN settings ({@code TF_ENABLE_ONEDNN_OPTS=0} changes the trained
 * weights in the 4th digit). Validation samples are computed from the weights actually trained, so each descriptor
 * stays self-consistent wherever it was made.
 *
 * @param hiddenUnits width of the hidden tanh layer
 * @param steps gradient steps
 * @param learningRate gradient descent step size
 * @param seed seed of the initial weights
 */
public record TfMlpTrainer(int hiddenUnits, int steps, float learningRate, long seed) {

    /** The SavedModel's signature key. */
    public static final String SIGNATURE_KEY = Signature.DEFAULT_KEY;
    /** The signature's input key. */
    public static final String SIGNATURE_INPUT = "features";
    /** The signature's output key. */
    public static final String SIGNATURE_OUTPUT = "next_temperature_c";

    /**
     * What training gives.
     *
     * @param weights the trained parameters
     * @param savedModelZip the SavedModel directory as a zip archive (files at the archive root)
     */
    public record TrainedMlp(MlpWeights weights, byte[] savedModelZip) {}

    /**
     * @param x rows of raw features (temperature_c, fan_rpm, load_percent)
     * @param nextTemperature the next temperature of each row
     */
    public TrainedMlp fit(double[][] x, double[] nextTemperature) {
        if (x.length != nextTemperature.length || x.length == 0) {
            throw new IllegalArgumentException("need one target per row (and at least one row), got " + x.length
                    + " rows and " + nextTemperature.length + " targets");
        }
        int features = x[0].length;
        Standardizer standardizer = Standardizer.fit(x);
        float[] featureMeans = toFloats(standardizer.means());
        float[] featureStds = toFloats(standardizer.stds());
        double[][] deltas = new double[x.length][1];
        for (int i = 0; i < x.length; i++) {
            deltas[i][0] = nextTemperature[i] - (float) x[i][0];
        }
        Standardizer deltaStandardizer = Standardizer.fit(deltas);
        float deltaMean = (float) deltaStandardizer.means()[0];
        float deltaStd = (float) deltaStandardizer.stds()[0];
        float[][] inputs = new float[x.length][];
        float[][] targets = new float[x.length][1];
        for (int i = 0; i < x.length; i++) {
            inputs[i] = toFloats(x[i]);
            targets[i][0] = (float) ((deltas[i][0] - deltaMean) / deltaStd);
        }

        Random random = new Random(seed);
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Variable<TFloat32> w1 = tf.withName("w1").variable(tf.constant(gaussian(random, features, hiddenUnits)));
            Variable<TFloat32> b1 = tf.withName("b1").variable(tf.constant(new float[hiddenUnits]));
            Variable<TFloat32> w2 = tf.withName("w2").variable(tf.constant(gaussian(random, hiddenUnits, 1)));
            Variable<TFloat32> b2 = tf.withName("b2").variable(tf.constant(new float[1]));
            TfMlpGraph.Forward forward =
                    TfMlpGraph.build(tf, w1, b1, w2, b2, featureMeans, featureStds, deltaMean, deltaStd);
            Placeholder<TFloat32> target = tf.withName("target").placeholder(TFloat32.class);
            Operand<TFloat32> loss = tf.withName("loss")
                    .math
                    .mean(tf.math.square(tf.math.sub(forward.standardizedDelta(), target)), tf.constant(new int[] {0, 1
                    }));
            List<Variable<TFloat32>> parameters = List.of(w1, b1, w2, b2);
            Gradients gradients = tf.gradients(loss, parameters);
            Operand<TFloat32> rate = tf.constant(learningRate);
            // Ref variables are updated in place: every gradient must be computed before any update runs, or the
            // result depends on the executor's order (seen as run-to-run differences without this).
            List<Operation> gradientOps =
                    gradients.dy().stream().map(Output::op).toList();
            Ops afterGradients = tf.withControlDependencyOps(gradientOps);
            List<Op> updates = new java.util.ArrayList<>();
            for (int i = 0; i < parameters.size(); i++) {
                updates.add(
                        afterGradients.train.applyGradientDescent(parameters.get(i), rate, gradients.<TFloat32>dy(i)));
            }
            try (Session session = new Session(graph, singleThreaded());
                    TFloat32 inputTensor = TFloat32.tensorOf(StdArrays.ndCopyOf(inputs));
                    TFloat32 targetTensor = TFloat32.tensorOf(StdArrays.ndCopyOf(targets))) {
                session.initialize();
                for (int step = 0; step < steps; step++) {
                    Session.Runner runner =
                            session.runner().feed(forward.input(), inputTensor).feed(target, targetTensor);
                    updates.forEach(runner::addTarget);
                    runner.run().close();
                }
                MlpWeights weights =
                        readWeights(session, w1, b1, w2, b2, featureMeans, featureStds, deltaMean, deltaStd);
                Signature signature = Signature.builder()
                        .key(SIGNATURE_KEY)
                        .input(SIGNATURE_INPUT, forward.input())
                        .output(SIGNATURE_OUTPUT, forward.output())
                        .build();
                return new TrainedMlp(weights, exportSavedModel(session, signature));
            }
        }
    }

    /** Intra-op and inter-op parallelism 1: deterministic reductions, and polite on shared cores. */
    static ConfigProto singleThreaded() {
        return ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(1)
                .setInterOpParallelismThreads(1)
                .build();
    }

    private static MlpWeights readWeights(
            Session session,
            Variable<TFloat32> w1,
            Variable<TFloat32> b1,
            Variable<TFloat32> w2,
            Variable<TFloat32> b2,
            float[] featureMeans,
            float[] featureStds,
            float deltaMean,
            float deltaStd) {
        try (Result result =
                session.runner().fetch(w1).fetch(b1).fetch(w2).fetch(b2).run()) {
            float[][] w1Values = StdArrays.array2dCopyOf((TFloat32) result.get(0));
            float[] b1Values = StdArrays.array1dCopyOf((TFloat32) result.get(1));
            float[][] w2Values = StdArrays.array2dCopyOf((TFloat32) result.get(2));
            float[] w2Column = new float[w2Values.length];
            for (int k = 0; k < w2Values.length; k++) {
                w2Column[k] = w2Values[k][0];
            }
            float b2Value = ((TFloat32) result.get(3)).getFloat(0);
            return new MlpWeights(
                    featureMeans, featureStds, w1Values, b1Values, w2Column, b2Value, deltaMean, deltaStd);
        }
    }

    private static byte[] exportSavedModel(Session session, Signature signature) {
        Path parent = null;
        try {
            parent = Files.createTempDirectory("sample-savedmodel-");
            Path exportDir = parent.resolve("model");
            SavedModelBundle.exporter(exportDir.toString())
                    .withFunction(SessionFunction.create(signature, session))
                    .export();
            canonicalize(exportDir.resolve("saved_model.pb"));
            return DirectoryZip.of(exportDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not export the trained MLP as a SavedModel", e);
        } finally {
            if (parent != null) {
                TempDirectories.deleteRecursively(parent);
            }
        }
    }

    /** Rewrites saved_model.pb with sorted map entries (TensorFlow writes them in hash order). */
    private static void canonicalize(Path savedModelPb) throws IOException {
        SavedModel savedModel = SavedModel.parseFrom(Files.readAllBytes(savedModelPb));
        Files.write(savedModelPb, DeterministicBytes.of(savedModel));
    }

    private static float[][] gaussian(Random random, int rows, int columns) {
        double scale = 1.0 / Math.sqrt(rows);
        float[][] values = new float[rows][columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                values[r][c] = (float) (random.nextGaussian() * scale);
            }
        }
        return values;
    }

    private static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }
}
