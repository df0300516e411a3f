package dev.modelserving.model;

import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ValidationSample;
import java.util.Arrays;

/** Checks that a freshly built model reproduces its descriptor's validation samples. */
public final class ModelValidator {

    /** Tolerance used when the descriptor leaves {@code validation_tolerance} at 0. */
    public static final double DEFAULT_TOLERANCE = 1e-4;

    private ModelValidator() {}

    /**
     * Scores every sample and compares.
     *
     * @throws ModelLoadException {@link ModelProblem#VALIDATION_FAILED} naming the first failing sample and why
     */
    public static void validate(Model model, ModelDescriptor descriptor) throws ModelLoadException {
        double tolerance =
                descriptor.getValidationTolerance() > 0 ? descriptor.getValidationTolerance() : DEFAULT_TOLERANCE;
        for (int i = 0; i < descriptor.getValidationSamplesCount(); i++) {
            ValidationSample sample = descriptor.getValidationSamples(i);
            Prediction prediction;
            try {
                prediction = model.score(sample.getInput());
            } catch (ScoringException e) {
                throw new ModelLoadException(
                        ModelProblem.VALIDATION_FAILED,
                        "validation sample " + i + " could not be scored: " + e.getMessage(),
                        e);
            } catch (RuntimeException e) {
                throw new ModelLoadException(
                        ModelProblem.VALIDATION_FAILED, "validation sample " + i + " made the model fail: " + e, e);
            }
            String mismatch = mismatch(sample, prediction, tolerance);
            if (mismatch != null) {
                throw new ModelLoadException(
                        ModelProblem.VALIDATION_FAILED, "validation sample " + i + ": " + mismatch);
            }
        }
    }

    /** Why a prediction does not match a sample, or {@code null} when it does. */
    public static String mismatch(ValidationSample sample, Prediction prediction, double tolerance) {
        if (sample.getExpectedOutputsCount() > 0) {
            double[] expected = sample.getExpectedOutputsList().stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            double[] actual = prediction.outputs();
            if (expected.length != actual.length) {
                return "expected " + expected.length + " outputs " + Arrays.toString(expected) + " but the model gave "
                        + actual.length + " " + Arrays.toString(actual);
            }
            for (int j = 0; j < expected.length; j++) {
                if (!withinTolerance(expected[j], actual[j], tolerance)) {
                    return "output " + j + " is " + actual[j] + ", expected " + expected[j] + " (tolerance " + tolerance
                            + ")";
                }
            }
        }
        if (!sample.getExpectedLabel().isEmpty() && !sample.getExpectedLabel().equals(prediction.label())) {
            return "label is " + prediction.label() + ", expected " + sample.getExpectedLabel();
        }
        return null;
    }

    /** {@code |actual - expected| <= tolerance * max(1, |expected|)}; NaN never matches. */
    public static boolean withinTolerance(double expected, double actual, double tolerance) {
        return Math.abs(actual - expected) <= tolerance * Math.max(1.0, Math.abs(expected));
    }
}
