package dev.modelserving.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a model said about one record.
 *
 * @param outputs numeric outputs: the score for regressors, class probabilities in label order for classifiers,
 *     or the raw output vector
 * @param label predicted label for classifiers, {@code null} otherwise
 * @param probabilities class probabilities by label in the model's class order (empty for non-classifiers)
 */
public record Prediction(double[] outputs, String label, Map<String, Double> probabilities) {

    public Prediction {
        Objects.requireNonNull(outputs, "outputs");
        probabilities =
                probabilities == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
    }

    /** A regression result: one score. */
    public static Prediction score(double value) {
        return new Prediction(new double[] {value}, null, Map.of());
    }

    /** A raw output vector. */
    public static Prediction vector(double[] values) {
        return new Prediction(values.clone(), null, Map.of());
    }

    /** A classification: the label and the probabilities by label; outputs are the probabilities in order. */
    public static Prediction classification(String label, LinkedHashMap<String, Double> probabilities) {
        double[] outputs =
                probabilities.values().stream().mapToDouble(Double::doubleValue).toArray();
        return new Prediction(outputs, label, probabilities);
    }

    public boolean isClassification() {
        return label != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p
                && Arrays.equals(outputs, p.outputs)
                && Objects.equals(label, p.label)
                && probabilities.equals(p.probabilities);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(outputs), label, probabilities);
    }

    @Override
    public String toString() {
        return "Prediction{outputs=" + Arrays.toString(outputs) + ", label=" + label + ", probabilities="
                + probabilities + "}";
    }
}
