package dev.modelserving.speculative.decide;

import dev.modelserving.proto.ExecutorAnswer;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@link Decider} chose: one answer that becomes the result (with the models that agree with it, for
 * MAJORITY), or a failure with its reason.
 *
 * @param chosen the answer whose model, version and outputs the result carries
 * @param supporters names of the models whose answers back the choice (MAJORITY: the majority; otherwise the chosen)
 * @param failure why nothing could be chosen; empty when something was
 */
public record Decision(Optional<ExecutorAnswer> chosen, Set<String> supporters, Optional<String> failure) {

    public Decision {
        supporters = Set.copyOf(supporters);
    }

    public static Decision of(ExecutorAnswer answer) {
        return new Decision(Optional.of(answer), Set.of(answer.getModelName()), Optional.empty());
    }

    public static Decision of(ExecutorAnswer answer, Set<String> supporters) {
        return new Decision(Optional.of(answer), supporters, Optional.empty());
    }

    public static Decision failed(String reason) {
        return new Decision(Optional.empty(), Set.of(), Optional.of(reason));
    }
}
