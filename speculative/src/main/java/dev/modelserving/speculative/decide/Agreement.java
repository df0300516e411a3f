package dev.modelserving.speculative.decide;

import dev.modelserving.proto.ExecutorAnswer;

/**
 * Whether a shadow candidate agrees with the primary: the same label when both have labels, otherwise the same
 * number of outputs, each within {@value #RELATIVE_TOLERANCE} × max(1, |primary|) of the primary's.
 */
public final class Agreement {

    /** Relative tolerance for numeric outputs. */
    public static final double RELATIVE_TOLERANCE = 0.01;

    private Agreement() {}

    public static boolean agrees(ExecutorAnswer candidate, ExecutorAnswer primary) {
        if (!candidate.getLabel().isEmpty() && !primary.getLabel().isEmpty()) {
            return candidate.getLabel().equals(primary.getLabel());
        }
        if (candidate.getOutputsCount() != primary.getOutputsCount() || primary.getOutputsCount() == 0) {
            return false;
        }
        for (int i = 0; i < primary.getOutputsCount(); i++) {
            double expected = primary.getOutputs(i);
            if (Math.abs(candidate.getOutputs(i) - expected) > RELATIVE_TOLERANCE * Math.max(1, Math.abs(expected))) {
                return false;
            }
        }
        return true;
    }
}
