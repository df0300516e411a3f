package dev.modelserving.model.drift;

import java.util.List;

/**
 * The population stability index (PSI) of a live distribution against an expected one, both given as fractions
 * per bin: {@code PSI = sum_i (actual_i - expected_i) * ln(actual_i / expected_i)}. An empty bin (on either side)
 * counts as {@link #EPSILON}, so one empty bin gives a large but finite value. The usual reading: below 0.1 no
 * change, 0.1 to 0.2 a moderate change, above 0.2 a significant shift.
 */
public final class PopulationStability {

    /** The fraction an empty bin counts as. */
    public static final double EPSILON = 1e-4;

    private PopulationStability() {}

    /**
     * The PSI of {@code counts} (live values per bin, {@code total} in all) against {@code expected} (fractions per
     * bin, same length); 0 when {@code total} is 0.
     */
    public static double psi(long[] counts, long total, List<Double> expected) {
        if (counts.length != expected.size()) {
            throw new IllegalArgumentException(
                    counts.length + " live bins against " + expected.size() + " expected bins");
        }
        if (total <= 0) {
            return 0;
        }
        double psi = 0;
        for (int i = 0; i < counts.length; i++) {
            double actual = Math.max((double) counts[i] / total, EPSILON);
            double wanted = Math.max(expected.get(i), EPSILON);
            psi += (actual - wanted) * Math.log(actual / wanted);
        }
        return psi;
    }

    /**
     * The bin of {@code value} among the bins bounded by {@code cuts} (increasing): bin i holds the values v with
     * {@code cuts[i-1] < v <= cuts[i]}; values above the last cut point fall in the last bin.
     */
    public static int bin(double[] cuts, double value) {
        int low = 0;
        int high = cuts.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (value <= cuts[mid]) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }
}
