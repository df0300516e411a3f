package dev.modelserving.speculative.decide;

import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.ExecutorAnswer;
import dev.modelserving.proto.RequestStart;
import java.util.List;

/**
 * Chooses a request's answer from the answers that arrived in time and scored the record (status SCORED), in order
 * of arrival. Never called with an empty list: the collector answers "no model answered" itself.
 */
public interface Decider {

    Decision decide(RequestStart start, List<ExecutorAnswer> scoredInTime);

    /**
     * Whether the request may complete before every expected answer is in (FIRST: as soon as one model scored).
     * Default: no, it waits for every answer or the deadline.
     */
    default boolean decidesEarly(RequestStart start, List<ExecutorAnswer> scoredSoFar) {
        return false;
    }

    /** The decider of a strategy (UNSPECIFIED: FIRST). */
    static Decider of(DecisionStrategy strategy) {
        return switch (strategy) {
            case MAJORITY -> new MajorityDecider();
            case BEST_CONFIDENCE -> new BestConfidenceDecider();
            case SHADOW -> new ShadowDecider();
            case FIRST, DECISION_STRATEGY_UNSPECIFIED, UNRECOGNIZED -> new FirstDecider();
        };
    }
}
