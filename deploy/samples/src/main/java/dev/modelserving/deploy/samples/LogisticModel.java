package dev.modelserving.deploy.samples;

/**
 * A logistic regression on raw features with float32 parameters (what the ONNX graph holds):
 * {@code p(class 1) = sigmoid(bias + sum(weights[j] * x[j]))}.
 *
 * @param weights one weight per feature, in feature order
 * @param bias the constant term
 */
public record LogisticModel(float[] weights, float bias) {

    public LogisticModel {
        weights = weights.clone();
    }

    /** Probability of class 1 for one row of raw features (our own forward pass, in double precision). */
    public double positiveProbability(double[] x) {
        if (x.length != weights.length) {
            throw new IllegalArgumentException("expected " + weights.length + " features, got " + x.length);
        }
        double z = bias;
        for (int j = 0; j < x.length; j++) {
            z += (double) weights[j] * x[j];
        }
        return 1.0 / (1.0 + Math.exp(-z));
    }

    /** Class 1 when its probability exceeds 0.5. */
    public int predict(double[] x) {
        return positiveProbability(x) > 0.5 ? 1 : 0;
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }
}
