package dev.modelserving.deploy.samples;

/**
 * The trained parameters of the sample temperature MLP (float32, as TensorFlow holds them) and its plain-Java
 * forward pass.
 *
 * <p>The network predicts the next temperature as the current one plus a learned change:
 * {@code z = (x - featureMeans) / featureStds}, {@code h = tanh(z W1 + b1)}, {@code d = h w2 + b2},
 * {@code next = x[0] + d * deltaStd + deltaMean}, where {@code x = (temperature_c, fan_rpm, load_percent)}.
 *
 * @param featureMeans feature means used to standardise inputs
 * @param featureStds feature standard deviations used to standardise inputs
 * @param w1 input-to-hidden weights, [features][hidden]
 * @param b1 hidden biases
 * @param w2 hidden-to-output weights, [hidden]
 * @param b2 output bias
 * @param deltaMean mean of the training temperature changes
 * @param deltaStd standard deviation of the training temperature changes
 */
public record MlpWeights(
        float[] featureMeans,
        float[] featureStds,
        float[][] w1,
        float[] b1,
        float[] w2,
        float b2,
        float deltaMean,
        float deltaStd) {

    /** Number of hidden units. */
    public int hiddenUnits() {
        return b1.length;
    }

    /** The predicted next temperature for one row of raw features (independent of TensorFlow). */
    public double predict(double[] x) {
        if (x.length != featureMeans.length) {
            throw new IllegalArgumentException("expected " + featureMeans.length + " features, got " + x.length);
        }
        double[] z = new double[x.length];
        for (int j = 0; j < x.length; j++) {
            z[j] = ((float) x[j] - featureMeans[j]) / (double) featureStds[j];
        }
        double d = b2;
        for (int k = 0; k < b1.length; k++) {
            double s = b1[k];
            for (int j = 0; j < z.length; j++) {
                s += z[j] * w1[j][k];
            }
            d += Math.tanh(s) * w2[k];
        }
        return (float) x[0] + d * deltaStd + deltaMean;
    }
}
