package dev.modelserving.deploy.samples;

/**
 * A linear regression on raw features: {@code intercept + sum(coefficients[j] * x[j])}.
 *
 * @param intercept the constant term
 * @param coefficients one coefficient per feature, in feature order
 */
public record LinearModel(double intercept, double[] coefficients) {

    public LinearModel {
        coefficients = coefficients.clone();
    }

    /** The prediction for one row of raw features (our own forward pass, independent of any evaluator). */
    public double predict(double[] x) {
        if (x.length != coefficients.length) {
            throw new IllegalArgumentException("expected " + coefficients.length + " features, got " + x.length);
        }
        double y = intercept;
        for (int j = 0; j < x.length; j++) {
            y += coefficients[j] * x[j];
        }
        return y;
    }

    @Override
    public double[] coefficients() {
        return coefficients.clone();
    }
}
