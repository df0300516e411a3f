package dev.modelserving.speculative;

import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.SpeculativeConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which models a request of a data type asks, by which strategy and deadline: the data type's configuration (or the
 * default) applied to the models the router knows.
 *
 * <ul>
 *   <li>no configuration: FIRST, the default deadline, every known model;</li>
 *   <li>{@code models} set: those of them that are known (a model that is configured but was never deployed, or
 *       was removed, is not asked);</li>
 *   <li>SHADOW: the primary first, then the shadow candidates (or, when none are named, every other participating
 *       model); the primary is always listed first, even when unknown: the router then answers the request itself
 *       (NO_MODEL, the primary is not deployed) instead of waiting for a deadline nobody could meet.</li>
 * </ul>
 *
 * @param models models asked, in order (primary first for SHADOW)
 * @param strategy the decision strategy (never UNSPECIFIED)
 * @param deadlineMillis the relative deadline
 * @param primary SHADOW: the primary model; empty otherwise
 */
public record RoutingPlan(List<String> models, DecisionStrategy strategy, long deadlineMillis, String primary) {

    public RoutingPlan {
        models = List.copyOf(models);
    }

    /**
     * @param config the data type's configuration, or null for the default
     * @param known the models of the data type the router knows
     * @param defaultDeadlineMillis deadline when the configuration has none (or there is none)
     */
    public static RoutingPlan of(SpeculativeConfig config, Collection<String> known, long defaultDeadlineMillis) {
        if (config == null) {
            return new RoutingPlan(List.copyOf(known), DecisionStrategy.FIRST, defaultDeadlineMillis, "");
        }
        DecisionStrategy strategy = config.getStrategy() == DecisionStrategy.DECISION_STRATEGY_UNSPECIFIED
                ? DecisionStrategy.FIRST
                : config.getStrategy();
        long deadline = config.getDeadlineMillis() > 0 ? config.getDeadlineMillis() : defaultDeadlineMillis;
        List<String> eligible = config.getModelsCount() == 0
                ? List.copyOf(known)
                : config.getModelsList().stream()
                        .filter(known::contains)
                        .distinct()
                        .toList();
        if (strategy != DecisionStrategy.SHADOW) {
            return new RoutingPlan(eligible, strategy, deadline, "");
        }
        String primary = config.getPrimaryModel();
        Set<String> asked = new LinkedHashSet<>();
        asked.add(primary);
        if (config.getShadowCandidatesCount() > 0) {
            config.getShadowCandidatesList().stream().filter(known::contains).forEach(asked::add);
        } else {
            asked.addAll(eligible);
        }
        return new RoutingPlan(new ArrayList<>(asked), strategy, deadline, primary);
    }
}
