package dev.modelserving.deploy.samples;

/**
 * Fits a {@link LinearModel} by ordinary least squares: solves the normal equations {@code (Z'Z) b = Z'y} on
 * standardised features (for conditioning) with Gaussian elimination and partial pivoting, then converts the
 * coefficients back to raw feature units.
 */
public final class OrdinaryLeastSquares {

    private OrdinaryLeastSquares() {}

    /**
     * @param x rows of raw features
     * @param y targets, one per row
     * @throws IllegalArgumentException when the sizes disagree or the features are collinear
     */
    public static LinearModel fit(double[][] x, double[] y) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("need one target per row (and at least one row), got " + x.length
                    + " rows and " + y.length + " targets");
        }
        int p = x[0].length;
        Standardizer standardizer = Standardizer.fit(x);
        int k = p + 1;
        double[][] normal = new double[k][k + 1];
        for (int i = 0; i < x.length; i++) {
            double[] z = withIntercept(standardizer.apply(x[i]));
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    normal[a][b] += z[a] * z[b];
                }
                normal[a][k] += z[a] * y[i];
            }
        }
        double[] beta = solve(normal);
        double[] means = standardizer.means();
        double[] stds = standardizer.stds();
        double intercept = beta[0];
        double[] coefficients = new double[p];
        for (int j = 0; j < p; j++) {
            coefficients[j] = beta[j + 1] / stds[j];
            intercept -= coefficients[j] * means[j];
        }
        return new LinearModel(intercept, coefficients);
    }

    private static double[] withIntercept(double[] z) {
        double[] row = new double[z.length + 1];
        row[0] = 1;
        System.arraycopy(z, 0, row, 1, z.length);
        return row;
    }

    /** Solves an augmented k x (k+1) system in place. */
    private static double[] solve(double[][] m) {
        int k = m.length;
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int row = col + 1; row < k; row++) {
                if (Math.abs(m[row][col]) > Math.abs(m[pivot][col])) {
                    pivot = row;
                }
            }
            if (Math.abs(m[pivot][col]) < 1e-12) {
                throw new IllegalArgumentException(
                        "the features are collinear (normal equations are singular at " + "column " + col + ")");
            }
            double[] swap = m[col];
            m[col] = m[pivot];
            m[pivot] = swap;
            for (int row = 0; row < k; row++) {
                if (row != col) {
                    double factor = m[row][col] / m[col][col];
                    for (int c = col; c <= k; c++) {
                        m[row][c] -= factor * m[col][c];
                    }
                }
            }
        }
        double[] solution = new double[k];
        for (int i = 0; i < k; i++) {
            solution[i] = m[i][k] / m[i][i];
        }
        return solution;
    }
}
