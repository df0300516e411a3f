package dev.modelserving.speculative;

import static dev.modelserving.speculative.TestAnswers.in;
import static dev.modelserving.speculative.TestAnswers.label;
import static dev.modelserving.speculative.TestAnswers.score;
import static dev.modelserving.speculative.TestAnswers.start;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.types.ProtoSerializer;
import dev.modelserving.proto.CollectorInput;
import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.ModelAnswer;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AnswerCollectorTest {

    private static final long ORPHAN_TTL = 5_000;

    private KeyedOneInputStreamOperatorTestHarness<String, CollectorInput, ServingResult> harness;

    private void open(OperatorSubtaskState restore) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new AnswerCollector(ORPHAN_TTL)),
                AnswerCollectorTest::requestId,
                Types.STRING);
        harness.setup(new ProtoSerializer<>(ServingResult.class));
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
    }

    private static String requestId(CollectorInput input) {
        return input.hasStart()
                ? input.getStart().getRequestId()
                : input.getAnswer().getRequestId();
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private List<ServingResult> results() {
        return harness.extractOutputValues();
    }

    @Test
    void completesWhenEveryAnswerIsInAndClearsItsState() throws Exception {
        open(null);
        harness.setProcessingTime(0);
        harness.processElement(in(start("r1", 100, DecisionStrategy.MAJORITY, "a", "b", "c")), 0);
        harness.processElement(in(label("r1", "a", "yes", 0.9)), 0);
        harness.processElement(in(label("r1", "b", "no", 0.6)), 0);
        assertThat(results()).isEmpty();
        harness.processElement(in(label("r1", "c", "no", 0.7)), 0);
        assertThat(results()).singleElement().satisfies(r -> {
            assertThat(r.getLabel()).isEqualTo("no");
            assertThat(r.getModelName()).isEqualTo("c");
            assertThat(r.getStrategy()).isEqualTo("MAJORITY");
            assertThat(r.getAnswersList()).extracting(ModelAnswer::getInTime).containsOnly(true);
        });
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void deadlineCompletesWithTheAnswersInTime() throws Exception {
        open(null);
        harness.setProcessingTime(0);
        harness.processElement(in(start("r1", 100, DecisionStrategy.MAJORITY, "fast", "slow")), 0);
        harness.processElement(in(label("r1", "fast", "yes", 0.9)), 0);
        harness.setProcessingTime(99);
        assertThat(results()).isEmpty();
        harness.setProcessingTime(100);
        assertThat(results()).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ServingStatus.SCORED);
            assertThat(r.getModelName()).isEqualTo("fast");
            assertThat(r.getAnswersList())
                    .extracting(ModelAnswer::getModelName, ModelAnswer::getInTime)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("fast", true),
                            org.assertj.core.groups.Tuple.tuple("slow", false));
        });
        // The slow model's answer after completion is an orphan: kept, then removed by the orphan timer.
        harness.setProcessingTime(150);
        harness.processElement(in(label("r1", "slow", "no", 0.9)), 0);
        assertThat(results()).hasSize(1);
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.setProcessingTime(150 + ORPHAN_TTL);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(results()).hasSize(1);
    }

    @Test
    void noAnswerBeforeTheDeadlineFails() throws Exception {
        open(null);
        harness.setProcessingTime(0);
        harness.processElement(in(start("r1", 100, DecisionStrategy.FIRST, "a")), 0);
        harness.setProcessingTime(100);
        assertThat(results()).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ServingStatus.FAILED);
            assertThat(r.getError()).isEqualTo("no model answered within 100 ms");
        });
    }

    @Test
    void anAnswerBeforeItsStartIsKept() throws Exception {
        open(null);
        harness.setProcessingTime(0);
        harness.processElement(in(score("r1", "a", 7)), 0);
        harness.processElement(in(score("r1", "b", 8)), 0);
        harness.processElement(in(start("r1", 100, DecisionStrategy.BEST_CONFIDENCE, "a", "b")), 0);
        assertThat(results()).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ServingStatus.SCORED);
            assertThat(r.getAnswersList()).extracting(ModelAnswer::getInTime).containsOnly(true);
        });
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
    }

    @Test
    void firstCompletesAtTheFirstScoredAnswer() throws Exception {
        open(null);
        harness.setProcessingTime(0);
        harness.processElement(in(start("r1", 100, DecisionStrategy.FIRST, "smart", "fast")), 0);
        harness.processElement(in(score("r1", "fast", 1)), 0);
        assertThat(results())
                .singleElement()
                .satisfies(r -> assertThat(r.getModelName()).isEqualTo("fast"));
    }

    @Test
    void requestsInFlightSurviveARestore() throws Exception {
        open(null);
        harness.setProcessingTime(0);
        harness.processElement(in(start("r1", 100, DecisionStrategy.MAJORITY, "a", "b")), 0);
        harness.processElement(in(label("r1", "a", "yes", 0.9)), 0);
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);
        harness.close();

        open(snapshot);
        harness.setProcessingTime(10);
        harness.processElement(in(label("r1", "b", "yes", 0.8)), 0);
        assertThat(results()).singleElement().satisfies(r -> {
            assertThat(r.getLabel()).isEqualTo("yes");
            assertThat(r.getAnswersList()).extracting(ModelAnswer::getInTime).containsOnly(true);
        });
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void stateIsBackToEmptyAfter100000Requests() throws Exception {
        open(null);
        long now = 0;
        harness.setProcessingTime(now);
        int requests = 100_000;
        for (int i = 0; i < requests; i++) {
            String id = "r" + i;
            switch (i % 4) {
                case 0 -> { // every answer in
                    harness.processElement(in(start(id, now + 100, DecisionStrategy.MAJORITY, "a", "b")), 0);
                    harness.processElement(in(label(id, "a", "yes", 0.9)), 0);
                    harness.processElement(in(label(id, "b", "yes", 0.8)), 0);
                }
                case 1 -> { // answers first, then the start
                    harness.processElement(in(label(id, "a", "yes", 0.9)), 0);
                    harness.processElement(in(label(id, "b", "no", 0.8)), 0);
                    harness.processElement(in(start(id, now + 100, DecisionStrategy.BEST_CONFIDENCE, "a", "b")), 0);
                }
                case 2 -> { // FIRST completes early: the second answer is late (an orphan)
                    harness.processElement(in(start(id, now + 100, DecisionStrategy.FIRST, "a", "b")), 0);
                    harness.processElement(in(score(id, "a", 1)), 0);
                    harness.processElement(in(score(id, "b", 2)), 0);
                }
                default -> { // one model misses the deadline (completed by the timer below)
                    harness.processElement(in(start(id, now + 100, DecisionStrategy.SHADOW, "a", "b")), 0);
                    harness.processElement(in(label(id, "a", "yes", 0.9)), 0);
                }
            }
            if (i % 1000 == 999) {
                now += 10;
                harness.setProcessingTime(now);
            }
        }
        harness.setProcessingTime(now + 200); // every deadline passed
        List<ServingResult> results = results();
        assertThat(results).hasSize(requests);
        Set<String> ids = new HashSet<>();
        results.forEach(r -> ids.add(r.getRecordId()));
        assertThat(ids).hasSize(requests);
        assertThat(results).allMatch(r -> r.getStatus() == ServingStatus.SCORED);
        // Late answers of the deadline-completed requests, after completion:
        for (int i = 3; i < requests; i += 4) {
            harness.processElement(in(label("r" + i, "b", "no", 0.5)), 0);
        }
        assertThat(harness.numKeyedStateEntries()).isPositive();
        harness.setProcessingTime(now + 200 + ORPHAN_TTL);
        assertThat(harness.numKeyedStateEntries()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        assertThat(results()).hasSize(requests);
    }
}
