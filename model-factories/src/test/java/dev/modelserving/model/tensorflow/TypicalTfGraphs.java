package dev.modelserving.model.tensorflow;

import java.util.Arrays;
import java.util.List;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Frozen graphs built like real models' building blocks, which the op policy must accept: a CNN (convolution, bias,
 * batch norm, ReLU, max and average pooling) and a TF2-style While loop with its body and condition as library
 * functions. Input {@link TfTestModels#INPUT}, output {@link #OUTPUT}.
 */
final class TypicalTfGraphs {

    static final String OUTPUT = "output";

    private TypicalTfGraphs() {}

    /** {@code features[-1,16]} → 4×4×1 image → Conv2D 2×2×2 → BiasAdd → FusedBatchNormV3 → Relu → MaxPool → AvgPool. */
    static byte[] cnn() {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x =
                    tf.withName(TfTestModels.INPUT).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 16)));
            Operand<TFloat32> image = tf.reshape(x, tf.constant(new long[] {-1, 4, 4, 1}));
            float[][][][] filter = new float[2][2][1][2];
            for (float[][][] row : filter) {
                for (float[][] column : row) {
                    column[0][0] = 0.5f;
                    column[0][1] = -0.25f;
                }
            }
            Operand<TFloat32> conv = tf.nn.biasAdd(
                    tf.nn.conv2d(image, tf.constant(filter), List.of(1L, 1L, 1L, 1L), "SAME"),
                    tf.constant(new float[] {0.1f, 0.2f}));
            FusedBatchNorm<TFloat32, TFloat32> norm = tf.nn.fusedBatchNorm(
                    conv,
                    tf.constant(new float[] {1f, 1f}),
                    tf.constant(new float[] {0f, 0f}),
                    tf.constant(new float[] {0f, 0f}),
                    tf.constant(new float[] {1f, 1f}),
                    FusedBatchNorm.isTraining(false));
            Operand<TFloat32> relu = tf.nn.relu(norm.y());
            Operand<TFloat32> maxPooled = tf.nn.maxPool(
                    relu, tf.constant(new int[] {1, 2, 2, 1}), tf.constant(new int[] {1, 2, 2, 1}), "VALID");
            Operand<TFloat32> avgPooled =
                    tf.nn.avgPool(maxPooled, List.of(1L, 2L, 2L, 1L), List.of(1L, 1L, 1L, 1L), "VALID");
            tf.withName(OUTPUT).reduceSum(avgPooled, tf.constant(new int[] {1, 2, 3}), ReduceSum.keepDims(false));
            return graph.toGraphDef().toByteArray();
        }
    }

    /** {@code output = sum(features) * 2^3}: a While loop (library functions for cond and body) runs 3 times. */
    static byte[] whileLoop() {
        try (ConcreteFunction cond = ConcreteFunction.create(tf -> {
                    Placeholder<TInt32> i = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
                    Placeholder<TFloat32> v = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
                    return Signature.builder()
                            .input("i", i)
                            .input("v", v)
                            .output("keep_going", tf.math.less(i, tf.constant(3)))
                            .build();
                });
                ConcreteFunction body = ConcreteFunction.create(tf -> {
                    Placeholder<TInt32> i = tf.placeholder(TInt32.class, Placeholder.shape(Shape.scalar()));
                    Placeholder<TFloat32> v = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
                    return Signature.builder()
                            .input("i", i)
                            .input("v", v)
                            .output("i", tf.math.add(i, tf.constant(1)))
                            .output("v", tf.math.mul(v, tf.constant(2f)))
                            .build();
                });
                Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x =
                    tf.withName(TfTestModels.INPUT).placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 3)));
            Operand<TFloat32> sum = tf.reduceSum(x, tf.constant(1), ReduceSum.keepDims(true));
            List<org.tensorflow.Output<?>> loop =
                    tf.whileOp(Arrays.asList(tf.constant(0), sum), cond, body).output();
            @SuppressWarnings("unchecked")
            Operand<TFloat32> result = (Operand<TFloat32>) loop.get(1);
            tf.withName(OUTPUT).identity(result);
            return graph.toGraphDef().toByteArray();
        }
    }
}
