package dev.modelserving.model.drift;

import java.io.Serializable;

/**
 * How the job watches drift: the PSI threshold used when a descriptor states none, and the records per window.
 *
 * @param threshold PSI above which a feature counts as drifted (a descriptor's {@code drift_threshold} overrides it)
 * @param windowRecords records per tumbling window: the PSI of each feature is computed over every such window
 */
public record DriftSettings(double threshold, int windowRecords) implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final double DEFAULT_THRESHOLD = 0.2;
    public static final int DEFAULT_WINDOW_RECORDS = 1000;

    public DriftSettings {
        if (!(threshold > 0) || !Double.isFinite(threshold)) {
            throw new IllegalArgumentException("drift threshold must be a positive number, got " + threshold);
        }
        if (windowRecords < 1) {
            throw new IllegalArgumentException("drift window must be at least 1 record, got " + windowRecords);
        }
    }

    public static DriftSettings defaults() {
        return new DriftSettings(DEFAULT_THRESHOLD, DEFAULT_WINDOW_RECORDS);
    }
}
