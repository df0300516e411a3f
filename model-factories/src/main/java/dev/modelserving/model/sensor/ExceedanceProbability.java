package dev.modelserving.model.sensor;

/**
 * The probability that a machine exceeds its alert temperature, given a predicted temperature whose error is taken
 * as normal with standard deviation {@code sigma} (the model's test RMSE): {@code 1 - Phi((alert - predicted) /
 * sigma)}, with {@code Phi} the standard normal distribution function.
 */
public final class ExceedanceProbability {

    /**
     * Default sigma (°C): the test RMSE of the sample {@code temperature-forecast} v1 on held-out machines (0.394 °C)
     * (written to their provenance; a test of the sample models keeps this in step).
     */
    public static final double DEFAULT_SIGMA_C = 0.39;

    private ExceedanceProbability() {}

    /**
     * {@code 1 - Phi((alertC - predictedC) / sigmaC)}.
     *
     * @throws IllegalArgumentException when sigma is not positive or a value is not finite
     */
    public static double of(double predictedC, double alertC, double sigmaC) {
        if (!(sigmaC > 0) || !Double.isFinite(sigmaC) || !Double.isFinite(predictedC) || !Double.isFinite(alertC)) {
            throw new IllegalArgumentException("need finite values and a positive sigma: predicted " + predictedC
                    + ", alert " + alertC + ", sigma " + sigmaC);
        }
        return upperTail((alertC - predictedC) / sigmaC);
    }

    /** {@code 1 - Phi(z) = erfc(z / sqrt 2) / 2}. */
    static double upperTail(double z) {
        return 0.5 * erfc(z / Math.sqrt(2));
    }

    /**
     * The complementary error function, from the Chebyshev fit in Numerical Recipes ({@code erfcc}): fractional error
     * below 1.2e-7 everywhere.
     */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double poly = -z * z
                - 1.26551223
                + t
                        * (1.00002368
                                + t
                                        * (0.37409196
                                                + t
                                                        * (0.09678418
                                                                + t
                                                                        * (-0.18628806
                                                                                + t
                                                                                        * (0.27886807
                                                                                                + t
                                                                                                        * (-1.13520398
                                                                                                                + t
                                                                                                                        * (1.48851587
                                                                                                                                + t
                                                                                                                                        * (-0.82215223
                                                                                                                                                + t
                                                                                                                                                        * 0.17087277))))))));
        double value = t * Math.exp(poly);
        return x >= 0 ? value : 2 - value;
    }
}
