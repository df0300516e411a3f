package dev.modelserving.speculative.decide;

import dev.modelserving.proto.ExecutorAnswer;
import dev.modelserving.proto.RequestStart;
import java.util.List;

/**
 * FIRST: the first answer that scored within the deadline. With a fast and a smart model this is the fast-vs-smart
 * pattern: when the smart model misses the deadline, the fast one answers.
 */
public final class FirstDecider implements Decider {

    @Override
    public Decision decide(RequestStart start, List<ExecutorAnswer> scoredInTime) {
        return Decision.of(scoredInTime.get(0));
    }

    /** The request completes at the first scored answer: nobody waits for the slower models. */
    @Override
    public boolean decidesEarly(RequestStart start, List<ExecutorAnswer> scoredSoFar) {
        return !scoredSoFar.isEmpty();
    }
}
