package dev.modelserving.model.drift;

/**
 * A monitored feature crossed the drift threshold (up: {@code drifted}) or fell back below half of it (down).
 *
 * @param feature the feature's name ("vector[i]", "output", "output-label" for the model's outputs)
 * @param drifted true when it rose above the threshold, false when it fell back below half of it
 * @param psi the PSI of the window that crossed
 * @param threshold the threshold in force
 * @param windowRecords records in that window
 * @param outOfRange values of the feature outside the training range in that window
 */
public record DriftChange(
        String feature, boolean drifted, double psi, double threshold, long windowRecords, long outOfRange) {}
