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
            case MAJORITY -> Deciders.MAJORITY;
            case BEST_CONFIDENCE -> Deciders.BEST_CONFIDENCE;
            case SHADOW -> Deciders.SHADOW;
            case FIRST, DECISION_STRATEGY_UNSPECIFIED, UNRECOGNIZED -> Deciders.FIRST;
        };
    }

    /** The deciders are stateless: one instance each, not one per answer. */
    final class Deciders {
        static final Decider FIRST = new FirstDecider();
        static final Decider MAJORITY = new MajorityDecider();
        static final Decider BEST_CONFIDENCE = new BestConfidenceDecider();
        static final Decider SHADOW = new ShadowDecider();

        private Deciders() {}
    }
}
