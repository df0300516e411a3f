package dev.modelserving.speculative.decide;

import dev.modelserving.proto.ExecutorAnswer;
import dev.modelserving.proto.RequestStart;
import java.util.List;
import java.util.OptionalDouble;

/**
 * BEST_CONFIDENCE: the answer with the highest probability of its predicted label; when no answer has probabilities
 * (regressors), the one whose model has the best quality metric ({@link Confidence#ofQuality}). Answers with neither
 * rank last; ties go to the earlier arrival.
 */
public final class BestConfidenceDecider implements Decider {

    @Override
    public Decision decide(RequestStart start, List<ExecutorAnswer> scoredInTime) {
        boolean anyProbabilities =
                scoredInTime.stream().anyMatch(a -> Confidence.ofLabel(a).isPresent());
        ExecutorAnswer best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (ExecutorAnswer answer : scoredInTime) {
            OptionalDouble score = anyProbabilities ? Confidence.ofLabel(answer) : Confidence.ofQuality(answer);
            double value = score.orElse(Double.NEGATIVE_INFINITY);
            if (best == null || value > bestScore) {
                best = answer;
                bestScore = value;
            }
        }
        return Decision.of(best);
    }
}
