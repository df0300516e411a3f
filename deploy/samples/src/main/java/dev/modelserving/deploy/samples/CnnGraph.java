package dev.modelserving.deploy.samples;

import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Writes the heavy sample CNN ({@link CnnWeights}) as a frozen TensorFlow graph, built with TensorFlow Java ops:
 * input {@value #INPUT} float [-1, 28, 28, 1] (NHWC, the only convolution layout TensorFlow's CPU kernels take),
 * output {@value #OUTPUT} float [-1, 10] (softmax probabilities). Only allowlisted ops: Placeholder, Const, Conv2D,
 * BiasAdd, Relu, MaxPoolV2, Reshape, MatMul, Softmax, Identity. The same weights give the same GraphDef bytes.
 */
public final class CnnGraph {

    /** Input tensor name. */
    public static final String INPUT = "image";
    /** Output tensor name. */
    public static final String OUTPUT = "probabilities";

    private static final List<Long> UNIT_STRIDES = List.of(1L, 1L, 1L, 1L);

    private CnnGraph() {}

    /** The serialized GraphDef. */
    public static byte[] graphDef(CnnWeights weights) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> image = tf.withName(INPUT)
                    .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, CnnWeights.SIDE, CnnWeights.SIDE, 1)));
            Operand<TFloat32> first =
                    block(tf, image, tf.withName("conv1_kernel").constant(weights.conv1()), weights.bias1(), "conv1");
            Operand<TFloat32> second =
                    block(tf, first, tf.withName("conv2_kernel").constant(weights.conv2()), weights.bias2(), "conv2");
            Operand<TFloat32> flat =
                    tf.reshape(second, tf.withName("flatten_shape").constant(new int[] {-1, CnnWeights.DENSE_INPUTS}));
            Operand<TFloat32> logits = tf.nn.biasAdd(
                    tf.linalg.matMul(flat, tf.withName("dense_kernel").constant(weights.dense())),
                    tf.withName("dense_bias").constant(weights.denseBias()));
            tf.withName(OUTPUT).identity(tf.nn.softmax(logits));
            return DeterministicBytes.of(graph.toGraphDef());
        }
    }

    /** Conv 3x3 (SAME) + bias + ReLU + max-pool 2x2 (VALID). */
    private static Operand<TFloat32> block(
            Ops tf, Operand<TFloat32> in, Operand<TFloat32> kernel, float[] bias, String name) {
        Operand<TFloat32> conv = tf.nn.conv2d(in, kernel, UNIT_STRIDES, "SAME");
        Operand<TFloat32> activated =
                tf.nn.relu(tf.nn.biasAdd(conv, tf.withName(name + "_bias").constant(bias)));
        return tf.nn.maxPool(
                activated,
                tf.withName(name + "_pool_size").constant(new int[] {1, 2, 2, 1}),
                tf.withName(name + "_pool_strides").constant(new int[] {1, 2, 2, 1}),
                "VALID");
    }
}
