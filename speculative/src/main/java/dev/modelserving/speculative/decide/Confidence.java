package dev.modelserving.speculative.decide;

import dev.modelserving.proto.ExecutorAnswer;
import java.util.Locale;
import java.util.OptionalDouble;

/** How sure an answer is, for ranking: the probability of its label, or the model's quality metric. */
public final class Confidence {

    private Confidence() {}

    /**
     * The probability of the predicted label (or the highest probability when the label has none); empty for answers
     * without probabilities (regressors).
     */
    public static OptionalDouble ofLabel(ExecutorAnswer answer) {
        if (answer.getProbabilitiesCount() == 0) {
            return OptionalDouble.empty();
        }
        if (answer.getProbabilitiesMap().containsKey(answer.getLabel())) {
            return OptionalDouble.of(answer.getProbabilitiesMap().get(answer.getLabel()));
        }
        return answer.getProbabilitiesMap().values().stream()
                .mapToDouble(Double::doubleValue)
                .max();
    }

    /**
     * The serving model's quality metric, oriented so that higher is better: negated when its name ends in
     * "error", "rmse", "mae" or "loss" (case-insensitive); empty when the descriptor has none.
     */
    public static OptionalDouble ofQuality(ExecutorAnswer answer) {
        if (!answer.getHasQualityMetric()) {
            return OptionalDouble.empty();
        }
        String name = answer.getQualityMetricName().toLowerCase(Locale.ROOT);
        boolean lowerIsBetter =
                name.endsWith("error") || name.endsWith("rmse") || name.endsWith("mae") || name.endsWith("loss");
        return OptionalDouble.of(lowerIsBetter ? -answer.getQualityMetricValue() : answer.getQualityMetricValue());
    }
}
