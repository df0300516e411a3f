package dev.modelserving.model.tensorflow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;

/**
 * TensorFlow models built with TensorFlow Java whose scoring or loading would touch files or print: what the op policy
 * must refuse. Each computes {@code score = sum(features) [+ len(file)]} from a {@code features[-1,3]} placeholder
 * (input {@link TfTestModels#INPUT}, output {@link #SCORE}), so that with the op allowed the effect is observable.
 */
final class HostileTfModels {

    static final String SCORE = "score";

    private HostileTfModels() {}

    private interface Body {
        Operand<TFloat32> score(Ops tf, Placeholder<TFloat32> x);
    }

    private static Placeholder<TFloat32> input(Ops tf) {
        return tf.withName(TfTestModels.INPUT).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
    }

    private static Operand<TFloat32> rowSum(Ops tf, Operand<TFloat32> x) {
        return tf.reduceSum(x, tf.constant(1), org.tensorflow.op.core.ReduceSum.keepDims(true));
    }

    /** sum(features) + the length of the file's content: the output's data depends on ReadFile. */
    static Operand<TFloat32> plusFileLength(Ops tf, Operand<TFloat32> x, Path file) {
        Operand<?> length = tf.strings.stringLength(tf.io.readFile(tf.constant(file.toString())));
        return tf.math.add(rowSum(tf, x), tf.dtypes.cast(length, TFloat32.class));
    }

    private static byte[] frozen(Body body) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x = input(tf);
            tf.withName(SCORE).identity(body.score(tf, x));
            return graph.toGraphDef().toByteArray();
        }
    }

    /** A frozen graph whose output is computed from ReadFile of {@code file}. */
    static byte[] readFileGraph(Path file) {
        return frozen((tf, x) -> plusFileLength(tf, x, file));
    }

    /** A frozen graph whose output only waits for ReadFile through a control input. */
    static byte[] readFileControlGraph(Path file) {
        return frozen((tf, x) -> tf.withControlDependencies(tf.io.readFile(tf.constant(file.toString())))
                .identity(rowSum(tf, x)));
    }

    /** A frozen graph whose output waits for PrintV2. */
    static byte[] printGraph() {
        return frozen((tf, x) ->
                tf.withControlDependencies(tf.print(tf.constant("scored"))).identity(rowSum(tf, x)));
    }

    /**
     * A frozen graph whose output comes from a library function (called by a PartitionedCall op) whose body writes
     * {@code target} with WriteFile before returning the row sums.
     */
    static byte[] writeFileInFunctionGraph(Path target) {
        try (ConcreteFunction writing = writingFunction(target);
                Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x = input(tf);
            @SuppressWarnings("unchecked")
            Operand<TFloat32> y = (Operand<TFloat32>) tf.call(writing, x);
            tf.withName(SCORE).identity(y);
            return graph.toGraphDef().toByteArray();
        }
    }

    private static ConcreteFunction writingFunction(Path target) {
        return ConcreteFunction.create(tf -> {
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
            Operand<TFloat32> y = tf.withControlDependencies(
                            tf.io.writeFile(tf.constant(target.toString()), tf.constant("written by a model")))
                    .identity(rowSum(tf, x));
            return Signature.builder().input("x", x).output("y", y).build();
        });
    }

    private static ConcreteFunction readingFunction(Path file) {
        return ConcreteFunction.create(tf -> {
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
            return Signature.builder()
                    .input("x", x)
                    .output("y", plusFileLength(tf, x, file))
                    .build();
        });
    }

    /** A TF1-style SavedModel (a variable, a session-exported signature) whose output is computed from ReadFile. */
    static Path readFileSavedModel(Path directory, Path file) {
        return export(directory, (tf, x) -> tf.math.add(plusFileLength(tf, x, file), tf.variable(tf.constant(0f))));
    }

    /** The harmless twin of {@link #readFileSavedModel}: same signature and variable, output sum(features). */
    static Path plainSavedModel(Path directory) {
        return export(directory, (tf, x) -> tf.math.add(rowSum(tf, x), tf.variable(tf.constant(0f))));
    }

    /** A SavedModel whose output comes from a library function whose body reads {@code file}. */
    static Path readFileInFunctionSavedModel(Path directory, Path file) {
        try (ConcreteFunction reading = readingFunction(file)) {
            return export(directory, (tf, x) -> {
                @SuppressWarnings("unchecked")
                Operand<TFloat32> y = (Operand<TFloat32>) tf.call(reading, x);
                return y;
            });
        }
    }

    /**
     * A clean SavedModel whose init op writes {@code target} with WriteFile: TensorFlow Java's exporter groups the
     * init-scope ops under a NoOp {@code Init}, which is registered here as the SavedModel's main op (the
     * {@code saved_model_main_op} collection), which TensorFlow's loader runs. Exporting runs it once too.
     */
    static Path writeFileInitSavedModel(Path directory, Path target) {
        export(directory, (tf, x) -> {
            tf.withInitScope().io.writeFile(tf.constant(target.toString()), tf.constant("written at load"));
            return rowSum(tf, x);
        });
        Path file = directory.resolve("saved_model.pb");
        try {
            SavedModel savedModel = SavedModel.parseFrom(Files.readAllBytes(file));
            MetaGraphDef metaGraph = savedModel.getMetaGraphs(0).toBuilder()
                    .putCollectionDef(
                            "saved_model_main_op",
                            CollectionDef.newBuilder()
                                    .setNodeList(
                                            CollectionDef.NodeList.newBuilder().addValue("Init"))
                                    .build())
                    .build();
            Files.write(
                    file,
                    savedModel.toBuilder().setMetaGraphs(0, metaGraph).build().toByteArray());
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot register the init op in " + file, e);
        }
    }

    private static Path export(Path directory, Body body) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x = input(tf);
            Operand<TFloat32> score = tf.withName(SCORE).identity(body.score(tf, x));
            try (Session session = new Session(graph)) {
                session.initialize();
                SavedModelBundle.exporter(directory.toString())
                        .withFunction(SessionFunction.create(
                                Signature.builder("serving_default")
                                        .input(TfTestModels.INPUT, x)
                                        .output(SCORE, score)
                                        .build(),
                                session))
                        .export();
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export a SavedModel to " + directory, e);
        }
    }
}
