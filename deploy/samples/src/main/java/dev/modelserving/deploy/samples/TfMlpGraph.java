package dev.modelserving.deploy.samples;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The sample MLP's forward graph in TensorFlow ops (see {@link MlpWeights} for the formula), shared by the training
 * graph (parameters are Variables) and the frozen graph (parameters are constants).
 */
final class TfMlpGraph {

    /** Name of the input placeholder: float [-1, 3] (temperature_c, fan_rpm, load_percent). */
    static final String INPUT = "input";
    /** Name of the output op: float [-1, 1], the predicted next temperature. */
    static final String OUTPUT = "output";

    private TfMlpGraph() {}

    /**
     * The operands of one forward pass.
     *
     * @param input the input placeholder
     * @param standardizedDelta the network's raw output d (the standardised temperature change), [-1, 1]
     * @param output the predicted next temperature, [-1, 1], named {@value #OUTPUT}
     */
    record Forward(Placeholder<TFloat32> input, Operand<TFloat32> standardizedDelta, Operand<TFloat32> output) {}

    static Forward build(
            Ops tf,
            Operand<TFloat32> w1,
            Operand<TFloat32> b1,
            Operand<TFloat32> w2,
            Operand<TFloat32> b2,
            float[] featureMeans,
            float[] featureStds,
            float deltaMean,
            float deltaStd) {
        Placeholder<TFloat32> x = tf.withName(INPUT)
                .placeholder(
                        TFloat32.class, Placeholder.shape(org.tensorflow.ndarray.Shape.of(-1, featureMeans.length)));
        Operand<TFloat32> z = tf.math.div(
                tf.math.sub(x, tf.withName("feature_means").constant(featureMeans)),
                tf.withName("feature_stds").constant(featureStds));
        Operand<TFloat32> hidden = tf.math.tanh(tf.math.add(tf.linalg.matMul(z, w1), b1));
        Operand<TFloat32> delta = tf.math.add(tf.linalg.matMul(hidden, w2), b2);
        float[][] selectTemperature = new float[featureMeans.length][1];
        selectTemperature[0][0] = 1f;
        Operand<TFloat32> current =
                tf.linalg.matMul(x, tf.withName("select_temperature").constant(selectTemperature));
        Operand<TFloat32> change = tf.math.add(
                tf.math.mul(delta, tf.withName("delta_std").constant(deltaStd)),
                tf.withName("delta_mean").constant(deltaMean));
        Operand<TFloat32> output = tf.withName(OUTPUT).identity(tf.math.add(current, change));
        return new Forward(x, delta, output);
    }
}
