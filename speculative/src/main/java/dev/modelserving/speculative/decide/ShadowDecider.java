package dev.modelserving.speculative.decide;

import dev.modelserving.proto.ExecutorAnswer;
import dev.modelserving.proto.RequestStart;
import java.util.List;

/**
 * SHADOW: the primary model's answer is the output, whatever the candidates say; the collector records each
 * candidate's agreement with it ({@link Agreement}). Without the primary's answer in time the request fails.
 */
public final class ShadowDecider implements Decider {

    @Override
    public Decision decide(RequestStart start, List<ExecutorAnswer> scoredInTime) {
        return scoredInTime.stream()
                .filter(a -> a.getModelName().equals(start.getPrimaryModel()))
                .findFirst()
                .map(Decision::of)
                .orElseGet(() -> Decision.failed("primary model '" + start.getPrimaryModel()
                        + "' did not answer within " + start.getDeadlineBudgetMillis() + " ms"));
    }
}
