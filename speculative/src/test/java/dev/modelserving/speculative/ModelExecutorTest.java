package dev.modelserving.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.flink.types.ProtoSerializer;
import dev.modelserving.model.HangingModelFactory;
import dev.modelserving.model.SlowModelFactory;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.model.serving.ServingBounds;
import dev.modelserving.proto.CollectorInput;
import dev.modelserving.proto.ExecutorAnswer;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.Provenance;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.proto.SpeculativeRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModelExecutorTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private KeyedTwoInputStreamOperatorTestHarness<String, SpeculativeRequest, ModelDescriptor, CollectorInput> harness;
    private long now;
    private ServingSettings settings = ServingSettings.defaults();
    private dev.modelserving.flink.serving.StatsSchedule stats = dev.modelserving.flink.serving.StatsSchedule.off();

    private void open(OperatorSubtaskState restore) throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new ModelExecutor(settings, stats)),
                ExecutorKey::of,
                ExecutorKey::of,
                Types.STRING);
        harness.setup(new ProtoSerializer<>(CollectorInput.class));
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private List<ExecutorAnswer> answers() {
        return harness.extractOutputValues().stream()
                .map(CollectorInput::getAnswer)
                .toList();
    }

    private List<ModelEvent> events() {
        var side = harness.getSideOutput(SpeculativeOutputs.MODEL_EVENTS);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).toList();
    }

    /** Advances processing time (the executor's drain and poll timers) until the condition holds, bounded. */
    private void await(String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + TIMEOUT + " waiting for " + what);
            }
            harness.setProcessingTime(now += 1);
            LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
        }
    }

    private static SpeculativeRequest request(String id, String model, double feature) {
        return SpeculativeRequest.newBuilder()
                .setRequestId(id)
                .setModelName(model)
                .setRecord(TestDescriptors.record(feature))
                .build();
    }

    private void deploy(ModelDescriptor descriptor) throws Exception {
        int before = events().size();
        harness.processElement2(descriptor, 0);
        await(
                "activation of " + descriptor.getName(),
                () -> events().size() > before
                        && events().get(events().size() - 1).getType() == ModelEventType.ACTIVATED);
    }

    @Test
    void answersWithTheModelOfItsKeyAndCarriesTheQualityMetric() throws Exception {
        open(null);
        deploy(TestDescriptors.constant("10")
                .setName("a")
                .setProvenance(
                        Provenance.newBuilder().setQualityMetricName("rmse").setQualityMetricValue(0.5))
                .build());
        harness.processElement1(request("q1", "a", 1), 0);
        harness.processElement1(request("q1", "unknown", 1), 0);
        await("two answers", () -> answers().size() == 2);
        ExecutorAnswer a = answers().stream()
                .filter(x -> x.getModelName().equals("a"))
                .findFirst()
                .orElseThrow();
        assertThat(a.getStatus()).isEqualTo(ServingStatus.SCORED);
        assertThat(a.getOutputsList()).containsExactly(11.0);
        assertThat(a.getModelVersion()).isEqualTo(1);
        assertThat(a.getModelSha256()).isNotEmpty();
        assertThat(a.getQualityMetricName()).isEqualTo("rmse");
        assertThat(a.getHasQualityMetric()).isTrue();
        ExecutorAnswer unknown = answers().stream()
                .filter(x -> x.getModelName().equals("unknown"))
                .findFirst()
                .orElseThrow();
        assertThat(unknown.getStatus()).isEqualTo(ServingStatus.NO_MODEL);
        assertThat(unknown.getRequestId()).isEqualTo("q1");
    }

    private List<dev.modelserving.proto.ModelStats> stats() {
        var side = harness.getSideOutput(SpeculativeOutputs.MODEL_STATS);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void eachExecutorKeyEmitsItsStatsAtEveryTick() throws Exception {
        stats = new dev.modelserving.flink.serving.StatsSchedule(10_000);
        open(null);
        deploy(TestDescriptors.constant("10").setName("a").build());
        deploy(TestDescriptors.constant("20").setName("b").setVersion(3).build());
        harness.processElement1(request("q1", "a", 1), 0);
        harness.processElement1(request("q2", "a", Double.NaN), 0);
        harness.processElement1(request("q2", "b", 1), 0);
        await("three answers", () -> answers().size() == 3);
        assertThat(now)
                .as("activation and answers took less than a stats interval")
                .isLessThan(10_000);
        assertThat(stats()).as("before the tick").isEmpty();

        harness.setProcessingTime(now = 10_000);
        assertThat(stats())
                .extracting(
                        s -> s.getModelName() + "@" + s.getModelVersion() + " " + s.getRecords() + "/" + s.getFailed())
                .containsExactlyInAnyOrder("a@1 2/1", "b@3 1/0");
        harness.setProcessingTime(now = 20_000);
        assertThat(stats()).as("every tick while the models serve").hasSize(4);
    }

    @Test
    void aSlowModelDoesNotHoldUpTheFastOnesOnTheSameSubtask() throws Exception {
        open(null);
        deploy(TestDescriptors.constant("1").setName("fast").build());
        deploy(SlowModelFactory.descriptor("test", "slow", 1, 0, 2_000, 5).build());
        harness.processElement1(request("q1", "slow", 0), 0);
        for (int i = 0; i < 20; i++) {
            harness.processElement1(request("q" + i, "fast", 0), 0);
        }
        long started = System.nanoTime();
        await(
                "20 fast answers",
                () -> answers().stream()
                                .filter(a -> a.getModelName().equals("fast"))
                                .count()
                        == 20);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1_500));
        assertThat(answers()).noneMatch(a -> a.getModelName().equals("slow"));
        await(
                "the slow answer",
                () -> answers().stream().anyMatch(a -> a.getModelName().equals("slow")));
    }

    @Test
    void aRequestStillQueuedAfterItsDeadlineIsSkipped() throws Exception {
        open(null);
        deploy(SlowModelFactory.descriptor("test", "slow", 1, 0, 300, 5).build());
        harness.processElement1(request("q1", "slow", 0), 0);
        harness.processElement1(
                request("q2", "slow", 0).toBuilder()
                        .setDeadlineMillis(System.currentTimeMillis() + 50)
                        .build(),
                0);
        harness.processElement1(request("q3", "slow", 0), 0);
        await(
                "q3 answered",
                () -> answers().stream().anyMatch(a -> a.getRequestId().equals("q3")));
        assertThat(answers()).extracting(ExecutorAnswer::getRequestId).containsExactly("q1", "q3");
        await("in-flight state cleared", () -> harness.numKeyedStateEntries() == 1); // the slot only
    }

    @Test
    void requestsInFlightAtACheckpointAreScoredAfterTheRestore() throws Exception {
        open(null);
        deploy(SlowModelFactory.descriptor("test", "slow", 1, 0, 1_000, 5).build());
        harness.processElement1(request("q1", "slow", 0), 0);
        OperatorSubtaskState snapshot = harness.snapshot(1, now);
        harness.close();

        open(snapshot);
        harness.setProcessingTime(now);
        await(
                "q1 answered after the restore",
                () -> answers().stream().anyMatch(a -> a.getRequestId().equals("q1")));
        assertThat(answers()).singleElement().satisfies(a -> {
            assertThat(a.getStatus()).isEqualTo(ServingStatus.SCORED);
            assertThat(a.getOutputsList()).containsExactly(5.0);
        });
        assertThat(events()).isEmpty(); // the model was rebuilt from state, not republished
    }

    @Test
    void withBatchingTheScoringThreadScoresTheQueuedRequestsInOneCall() throws Exception {
        settings = ServingSettings.defaults().withBatching(new dev.modelserving.flink.serving.BatchSettings(8, 1000));
        open(null);
        deploy(SlowModelFactory.descriptor("test", "slow", 1, 0, 100, 5).build());
        for (int i = 0; i < 5; i++) {
            harness.processElement1(request("s" + i, "slow", 0), 0);
        }
        await("every request answered", () -> answers().size() == 5);
        assertThat(answers()).allSatisfy(a -> assertThat(a.getStatus()).isEqualTo(ServingStatus.SCORED));
        assertThat(answers().stream().map(ExecutorAnswer::getRequestId))
                .containsExactlyInAnyOrder("s0", "s1", "s2", "s3", "s4");
        // Requests queued while the first scored go together into one scoreBatch call: they share its duration
        // (the slow model's default scoreBatch loops, 100 ms per record), which one-by-one scoring never gives.
        var byLatency = answers().stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        ExecutorAnswer::getLatencyNanos, java.util.stream.Collectors.counting()));
        assertThat(byLatency.entrySet()).anySatisfy(e -> {
            assertThat(e.getValue()).isGreaterThanOrEqualTo(2);
            assertThat(e.getKey()).isGreaterThanOrEqualTo(e.getValue() * 100_000_000L);
        });
        await("in-flight state cleared", () -> harness.numKeyedStateEntries() == 1);
    }

    @Test
    void aRequestFindingItsExecutorQueueFullIsAnsweredFailedAtOnce() throws Exception {
        settings =
                ServingSettings.defaults().withBounds(ServingBounds.defaults().withMaxExecutorQueue(2));
        open(null);
        deploy(TestDescriptors.constant("1").setName("fast").build());
        deploy(SlowModelFactory.descriptor("test", "slow", 1, 0, 400, 5).build());
        for (int i = 0; i < 6; i++) {
            harness.processElement1(request("s" + i, "slow", 0), 0);
        }
        harness.processElement1(request("f", "fast", 0), 0);
        // One request scoring (or about to), two queued: the others are refused without waiting for the slow model.
        await(
                "the refusals and the fast answer",
                () -> answers().stream()
                                        .filter(a -> a.getStatus() == ServingStatus.FAILED)
                                        .count()
                                >= 3
                        && answers().stream().anyMatch(a -> a.getRequestId().equals("f")));
        await("every request answered", () -> answers().size() == 7);
        List<ExecutorAnswer> slow =
                answers().stream().filter(a -> a.getModelName().equals("slow")).toList();
        long refused =
                slow.stream().filter(a -> a.getStatus() == ServingStatus.FAILED).count();
        assertThat(refused).as("6 requests, 1 scoring + 2 queued").isBetween(3L, 4L);
        assertThat(slow.subList(0, (int) refused))
                .as("the refusals came first, before any slow score")
                .allSatisfy(a -> assertThat(a.getStatus()).isEqualTo(ServingStatus.FAILED))
                .allSatisfy(a -> assertThat(a.getError()).isEqualTo("executor queue of model 'slow' is full (2)"));
        assertThat(slow.subList((int) refused, slow.size()))
                .allSatisfy(a -> assertThat(a.getStatus()).isEqualTo(ServingStatus.SCORED));
        await("in-flight state cleared", () -> harness.numKeyedStateEntries() == 2); // the two slots only
    }

    @Test
    void aHangingModelIsRejectedWithTimeoutWhileAnotherModelOfTheDataTypeServes() throws Exception {
        settings = ServingSettings.defaults()
                .withBounds(
                        ServingBounds.defaults().withModelLoadTimeoutMillis(500).withMaxConcurrentLoads(1));
        open(null);
        harness.processElement2(
                HangingModelFactory.descriptor("test", "hung", 1, "hang").build(), 0);
        deploy(TestDescriptors.constant("1").setName("fast").build());
        assertThat(events())
                .filteredOn(e -> e.getModelName().equals("hung"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
                    assertThat(e.getReason()).startsWith("TIMEOUT:").contains("500 ms");
                });
        harness.processElement1(request("q", "fast", 1), 0);
        harness.processElement1(request("q", "hung", 1), 0);
        await("two answers", () -> answers().size() == 2);
        assertThat(answers())
                .extracting(ExecutorAnswer::getStatus)
                .containsExactlyInAnyOrder(ServingStatus.SCORED, ServingStatus.NO_MODEL);
    }

    @Test
    void requestsOfAnUnknownExecutorKeyCreateNoSlot() throws Exception {
        settings =
                ServingSettings.defaults().withBounds(ServingBounds.defaults().withMaxDataTypes(1));
        open(null);
        deploy(TestDescriptors.constant("1").setName("a").build());
        for (int i = 0; i < 20; i++) {
            harness.processElement1(request("q" + i, "m" + i, 0), 0);
        }
        assertThat(answers())
                .hasSize(20)
                .allSatisfy(a -> assertThat(a.getStatus()).isEqualTo(ServingStatus.NO_MODEL));
        assertThat(harness.numKeyedStateEntries()).as("only the slot of 'a'").isEqualTo(1);
        harness.processElement2(TestDescriptors.constant("2").setName("b").build(), 0);
        assertThat(events())
                .filteredOn(e -> e.getModelName().equals("b"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
                    assertThat(e.getReason()).startsWith("RESOURCE_LIMIT:").contains("--max-data-types");
                });
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }
}
