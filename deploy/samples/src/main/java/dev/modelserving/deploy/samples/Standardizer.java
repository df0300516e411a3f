package dev.modelserving.deploy.samples;

/**
 * Per-column mean and standard deviation of a matrix, to train on standardised features.
 *
 * @param means column means
 * @param stds column standard deviations (1 where a column is constant)
 */
public record Standardizer(double[] means, double[] stds) {

    public Standardizer {
        means = means.clone();
        stds = stds.clone();
    }

    /** Fitted on the rows of {@code x}. */
    public static Standardizer fit(double[][] x) {
        int columns = x[0].length;
        double[] means = new double[columns];
        double[] stds = new double[columns];
        for (double[] row : x) {
            for (int j = 0; j < columns; j++) {
                means[j] += row[j];
            }
        }
        for (int j = 0; j < columns; j++) {
            means[j] /= x.length;
        }
        for (double[] row : x) {
            for (int j = 0; j < columns; j++) {
                double d = row[j] - means[j];
                stds[j] += d * d;
            }
        }
        for (int j = 0; j < columns; j++) {
            stds[j] = Math.sqrt(stds[j] / x.length);
            if (stds[j] == 0) {
                stds[j] = 1;
            }
        }
        return new Standardizer(means, stds);
    }

    /** A standardised copy of one row. */
    public double[] apply(double[] row) {
        double[] z = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            z[j] = (row[j] - means[j]) / stds[j];
        }
        return z;
    }

    /** A standardised copy of every row. */
    public double[][] apply(double[][] x) {
        double[][] z = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            z[i] = apply(x[i]);
        }
        return z;
    }

    @Override
    public double[] means() {
        return means.clone();
    }

    @Override
    public double[] stds() {
        return stds.clone();
    }
}
