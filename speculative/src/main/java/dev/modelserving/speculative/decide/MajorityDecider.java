package dev.modelserving.speculative.decide;

import dev.modelserving.proto.ExecutorAnswer;
import dev.modelserving.proto.RequestStart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * MAJORITY: a vote over labels (answers without a label vote with their first output, as text). The label with the
 * most votes wins; a tie goes to the label whose most confident answer is the most confident
 * ({@link Confidence#ofLabel}), then to the earlier arrival. The result carries the winning label's most confident
 * answer; the supporters are every model that voted for it.
 */
public final class MajorityDecider implements Decider {

    @Override
    public Decision decide(RequestStart start, List<ExecutorAnswer> scoredInTime) {
        Map<String, List<ExecutorAnswer>> votes = new LinkedHashMap<>();
        for (ExecutorAnswer answer : scoredInTime) {
            votes.computeIfAbsent(vote(answer), v -> new ArrayList<>()).add(answer);
        }
        List<ExecutorAnswer> winners = null;
        double winnerConfidence = Double.NEGATIVE_INFINITY;
        for (List<ExecutorAnswer> group : votes.values()) {
            double confidence = group.stream()
                    .mapToDouble(MajorityDecider::confidence)
                    .max()
                    .orElseThrow();
            if (winners == null
                    || group.size() > winners.size()
                    || (group.size() == winners.size() && confidence > winnerConfidence)) {
                winners = group;
                winnerConfidence = confidence;
            }
        }
        ExecutorAnswer representative = winners.get(0);
        for (ExecutorAnswer answer : winners) {
            if (confidence(answer) > confidence(representative)) {
                representative = answer;
            }
        }
        Set<String> supporters =
                winners.stream().map(ExecutorAnswer::getModelName).collect(Collectors.toSet());
        return Decision.of(representative, supporters);
    }

    /** What an answer votes for: its label, or its first output for models without labels. */
    static String vote(ExecutorAnswer answer) {
        if (!answer.getLabel().isEmpty()) {
            return answer.getLabel();
        }
        return answer.getOutputsCount() == 0 ? "" : Double.toString(answer.getOutputs(0));
    }

    private static double confidence(ExecutorAnswer answer) {
        return Confidence.ofLabel(answer).orElse(Double.NEGATIVE_INFINITY);
    }
}
