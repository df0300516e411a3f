package dev.modelserving.deploy.samples;

/**
 * Fits a {@link LogisticModel} by full-batch gradient descent on the mean log-loss (plus a small L2 penalty) over
 * standardised features, starting from zero; the standardisation is then folded into the raw-feature weights. No
 * randomness: the same data always gives the same model.
 *
 * @param iterations gradient steps
 * @param learningRate step size
 * @param l2 L2 penalty on the weights (not the bias)
 */
public record LogisticRegressionTrainer(int iterations, double learningRate, double l2) {

    /**
     * @param x rows of raw features
     * @param y classes, 0 or 1
     */
    public LogisticModel fit(double[][] x, int[] y) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("need one class per row (and at least one row), got " + x.length
                    + " rows and " + y.length + " classes");
        }
        Standardizer standardizer = Standardizer.fit(x);
        double[][] z = standardizer.apply(x);
        int p = z[0].length;
        double[] w = new double[p];
        double b = 0;
        for (int iteration = 0; iteration < iterations; iteration++) {
            double[] gradW = new double[p];
            double gradB = 0;
            for (int i = 0; i < z.length; i++) {
                double s = b;
                for (int j = 0; j < p; j++) {
                    s += w[j] * z[i][j];
                }
                double error = 1.0 / (1.0 + Math.exp(-s)) - y[i];
                for (int j = 0; j < p; j++) {
                    gradW[j] += error * z[i][j];
                }
                gradB += error;
            }
            for (int j = 0; j < p; j++) {
                w[j] -= learningRate * (gradW[j] / z.length + l2 * w[j]);
            }
            b -= learningRate * gradB / z.length;
        }
        double[] means = standardizer.means();
        double[] stds = standardizer.stds();
        float[] weights = new float[p];
        double bias = b;
        for (int j = 0; j < p; j++) {
            weights[j] = (float) (w[j] / stds[j]);
            bias -= w[j] * means[j] / stds[j];
        }
        return new LogisticModel(weights, (float) bias);
    }
}
