package dev.modelserving.deploy.bench;

import java.util.Arrays;
import java.util.Locale;

/** Nearest-rank percentiles of a sample. */
public record Percentiles(int count, double p50, double p99, double max) {

    public static Percentiles of(double[] values) {
        if (values.length == 0) {
            return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Percentiles(sorted.length, rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1]);
    }

    private static double rank(double[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** As {@code p50 / p99 / max} with the unit. */
    public String format(String unit) {
        return String.format(Locale.ROOT, "%8.2f / %8.2f / %8.2f %s (n=%d)", p50, p99, max, unit, count);
    }
}
