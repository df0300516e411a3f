package dev.modelserving.speculative;

import dev.modelserving.model.serving.ServingResults;
import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.ExecutorAnswer;
import dev.modelserving.proto.ModelAnswer;
import dev.modelserving.proto.RequestStart;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.speculative.decide.Agreement;
import dev.modelserving.speculative.decide.Decider;
import dev.modelserving.speculative.decide.Decision;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns a completed request (its start and the answers that arrived in time) into its one {@link ServingResult}: the
 * chosen answer's model, version, SHA-256 and outputs, the strategy, and {@code answers} listing every model asked
 * (in_time false and status unset for a model that did not answer in time; SHADOW: agreement with the primary).
 */
public final class SpeculativeResults {

    private SpeculativeResults() {}

    public static ServingResult complete(RequestStart start, List<ExecutorAnswer> inTime) {
        List<ExecutorAnswer> ordered = inTime.stream()
                .sorted(Comparator.comparingInt(ExecutorAnswer::getArrival))
                .toList();
        List<ExecutorAnswer> scored = ordered.stream()
                .filter(a -> a.getStatus() == ServingStatus.SCORED)
                .toList();
        DecisionStrategy strategy = start.getStrategy();
        ServingResult.Builder result = ServingResults.about(start.getRecord()).setStrategy(strategy.name());
        Decision decision;
        if (scored.isEmpty()) {
            decision = Decision.failed(noAnswer(start, ordered));
        } else {
            decision = Decider.of(strategy).decide(start, scored);
        }
        if (decision.chosen().isPresent()) {
            ExecutorAnswer chosen = decision.chosen().get();
            result.setStatus(ServingStatus.SCORED)
                    .setModelName(chosen.getModelName())
                    .setModelVersion(chosen.getModelVersion())
                    .setModelSha256(chosen.getModelSha256())
                    .addAllOutputs(chosen.getOutputsList())
                    .setLabel(chosen.getLabel())
                    .putAllProbabilities(chosen.getProbabilitiesMap())
                    .setLatencyNanos(chosen.getLatencyNanos());
        } else {
            result.setStatus(ServingStatus.FAILED).setError(decision.failure().orElse("no decision"));
        }
        ExecutorAnswer primary = strategy == DecisionStrategy.SHADOW
                ? scored.stream()
                        .filter(a -> a.getModelName().equals(start.getPrimaryModel()))
                        .findFirst()
                        .orElse(null)
                : null;
        Map<String, ExecutorAnswer> byModel =
                ordered.stream().collect(Collectors.toMap(ExecutorAnswer::getModelName, a -> a, (a, b) -> a));
        for (String model : start.getExpectedModelsList()) {
            ExecutorAnswer answer = byModel.get(model);
            ModelAnswer.Builder entry = ModelAnswer.newBuilder().setModelName(model);
            if (answer != null) {
                entry.setInTime(true)
                        .setModelVersion(answer.getModelVersion())
                        .setLabel(answer.getLabel())
                        .addAllOutputs(answer.getOutputsList())
                        .setLatencyNanos(answer.getLatencyNanos())
                        .setStatus(answer.getStatus())
                        .setAgreesWithPrimary(primary != null
                                && answer.getStatus() == ServingStatus.SCORED
                                && Agreement.agrees(answer, primary));
            }
            result.addAnswers(entry);
        }
        return result.build();
    }

    private static String noAnswer(RequestStart start, List<ExecutorAnswer> unusable) {
        if (unusable.isEmpty()) {
            return "no model answered within " + start.getDeadlineBudgetMillis() + " ms";
        }
        List<String> reasons = new ArrayList<>();
        for (ExecutorAnswer answer : unusable) {
            reasons.add(answer.getModelName() + ": " + answer.getStatus()
                    + (answer.getError().isEmpty() ? "" : " (" + answer.getError() + ")"));
        }
        return "no model scored the record within " + start.getDeadlineBudgetMillis() + " ms: "
                + String.join("; ", reasons);
    }
}
