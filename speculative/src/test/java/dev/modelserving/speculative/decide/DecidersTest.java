package dev.modelserving.speculative.decide;

import static dev.modelserving.speculative.TestAnswers.arrived;
import static dev.modelserving.speculative.TestAnswers.label;
import static dev.modelserving.speculative.TestAnswers.score;
import static dev.modelserving.speculative.TestAnswers.start;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.ExecutorAnswer;
import dev.modelserving.proto.ModelAnswer;
import dev.modelserving.proto.RequestStart;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.speculative.SpeculativeResults;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecidersTest {

    private static RequestStart start(DecisionStrategy strategy, String... models) {
        return dev.modelserving.speculative.TestAnswers.start("r", 1000, strategy, models);
    }

    @Test
    void firstTakesTheEarliestArrivalAndDecidesEarly() {
        RequestStart start = start(DecisionStrategy.FIRST, "smart", "fast");
        List<ExecutorAnswer> answers = arrived(score("r", "fast", 1), score("r", "smart", 2));
        assertThat(new FirstDecider().decide(start, answers).chosen())
                .get()
                .extracting(ExecutorAnswer::getModelName)
                .isEqualTo("fast");
        assertThat(new FirstDecider().decidesEarly(start, answers.subList(0, 1)))
                .isTrue();
        assertThat(new FirstDecider().decidesEarly(start, List.of())).isFalse();
        assertThat(new MajorityDecider().decidesEarly(start, answers)).isFalse();
    }

    @Test
    void majorityVotesOverLabels() {
        RequestStart start = start(DecisionStrategy.MAJORITY, "a", "b", "c");
        // The single "yes" is the most confident, but two models say "no".
        Decision decision = new MajorityDecider()
                .decide(
                        start,
                        arrived(label("r", "a", "yes", 0.99), label("r", "b", "no", 0.6), label("r", "c", "no", 0.7)));
        assertThat(decision.chosen()).get().extracting(ExecutorAnswer::getLabel).isEqualTo("no");
        assertThat(decision.chosen())
                .get()
                .extracting(ExecutorAnswer::getModelName)
                .isEqualTo("c");
        assertThat(decision.supporters()).containsExactlyInAnyOrder("b", "c");
    }

    @Test
    void majorityTieGoesToTheHighestConfidence() {
        RequestStart start = start(DecisionStrategy.MAJORITY, "a", "b");
        Decision decision =
                new MajorityDecider().decide(start, arrived(label("r", "a", "yes", 0.55), label("r", "b", "no", 0.9)));
        assertThat(decision.chosen())
                .get()
                .extracting(ExecutorAnswer::getModelName)
                .isEqualTo("b");
    }

    @Test
    void bestConfidenceTakesTheMostProbableLabel() {
        RequestStart start = start(DecisionStrategy.BEST_CONFIDENCE, "a", "b", "c");
        Decision decision = new BestConfidenceDecider()
                .decide(
                        start,
                        arrived(label("r", "a", "yes", 0.7), label("r", "b", "no", 0.95), label("r", "c", "yes", 0.8)));
        assertThat(decision.chosen())
                .get()
                .extracting(ExecutorAnswer::getModelName)
                .isEqualTo("b");
    }

    @Test
    void bestConfidenceRanksRegressorsByQualityMetricLowerErrorIsBetter() {
        RequestStart start = start(DecisionStrategy.BEST_CONFIDENCE, "a", "b", "c");
        ExecutorAnswer a = quality(score("r", "a", 1), "rmse", 0.9);
        ExecutorAnswer b = quality(score("r", "b", 2), "RMSE", 0.2);
        ExecutorAnswer c = score("r", "c", 3); // no metric: ranks last
        assertThat(new BestConfidenceDecider().decide(start, arrived(c, a, b)).chosen())
                .get()
                .extracting(ExecutorAnswer::getModelName)
                .isEqualTo("b");
        ExecutorAnswer r2a = quality(score("r", "a", 1), "r2", 0.9);
        ExecutorAnswer r2b = quality(score("r", "b", 2), "r2", 0.2);
        assertThat(new BestConfidenceDecider().decide(start, arrived(r2b, r2a)).chosen())
                .get()
                .extracting(ExecutorAnswer::getModelName)
                .isEqualTo("a");
    }

    @Test
    void shadowOutputsThePrimaryEvenWhenOthersAnswerFirstAndRecordsAgreement() {
        RequestStart start = start(DecisionStrategy.SHADOW, "primary", "agrees", "disagrees", "silent");
        ServingResult result = SpeculativeResults.complete(
                start,
                arrived(
                        label("r", "disagrees", "no", 0.9),
                        label("r", "agrees", "yes", 0.6),
                        label("r", "primary", "yes", 0.8)));
        assertThat(result.getStatus()).isEqualTo(ServingStatus.SCORED);
        assertThat(result.getModelName()).isEqualTo("primary");
        assertThat(result.getLabel()).isEqualTo("yes");
        assertThat(result.getStrategy()).isEqualTo("SHADOW");
        assertThat(result.getAnswersList())
                .extracting(ModelAnswer::getModelName)
                .containsExactly("primary", "agrees", "disagrees", "silent");
        assertThat(result.getAnswersList())
                .extracting(ModelAnswer::getAgreesWithPrimary)
                .containsExactly(true, true, false, false);
        assertThat(result.getAnswersList()).extracting(ModelAnswer::getInTime).containsExactly(true, true, true, false);
    }

    @Test
    void shadowWithoutThePrimaryFails() {
        RequestStart start = start(DecisionStrategy.SHADOW, "primary", "candidate");
        ServingResult result = SpeculativeResults.complete(start, arrived(label("r", "candidate", "no", 0.9)));
        assertThat(result.getStatus()).isEqualTo(ServingStatus.FAILED);
        assertThat(result.getError()).isEqualTo("primary model 'primary' did not answer within 100 ms");
    }

    @Test
    void noAnswerInTimeFailsNamingTheDeadline() {
        ServingResult result = SpeculativeResults.complete(start(DecisionStrategy.MAJORITY, "a", "b"), List.of());
        assertThat(result.getStatus()).isEqualTo(ServingStatus.FAILED);
        assertThat(result.getError()).isEqualTo("no model answered within 100 ms");
        assertThat(result.getAnswersList()).extracting(ModelAnswer::getInTime).containsExactly(false, false);
        assertThat(result.getRecordId()).isEqualTo("record-r");
    }

    @Test
    void agreementOfRegressorsIsWithinOnePercent() {
        assertThat(Agreement.agrees(score("r", "a", 100.5), score("r", "p", 100)))
                .isTrue();
        assertThat(Agreement.agrees(score("r", "a", 102), score("r", "p", 100))).isFalse();
    }

    private static ExecutorAnswer quality(ExecutorAnswer answer, String metric, double value) {
        return answer.toBuilder()
                .setQualityMetricName(metric)
                .setQualityMetricValue(value)
                .setHasQualityMetric(true)
                .build();
    }
}
