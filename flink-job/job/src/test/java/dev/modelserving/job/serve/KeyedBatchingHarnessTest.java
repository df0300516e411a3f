package dev.modelserving.job.serve;

import static dev.modelserving.job.serve.ServingHarnesses.await;
import static dev.modelserving.job.serve.ServingHarnesses.count;
import static dev.modelserving.job.serve.ServingHarnesses.keyedEvents;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.parse.RecordInput;
import dev.modelserving.flink.serving.BatchSettings;
import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.flink.types.ProtoSerializer;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Micro-batching in keyed serving, run in its {@link BatchFlushingKeyedCoProcessOperator}: batches of 4 records or
 * 5 s; every held-back record is emitted before a checkpoint barrier, at a model change and at the end of input.
 */
class KeyedBatchingHarnessTest {

    private static final BatchSettings BATCHING = new BatchSettings(4, 5_000_000);

    private KeyedTwoInputStreamOperatorTestHarness<String, DataRecord, ModelDescriptor, ServingResult> harness;
    private long now = 1_000;

    private void start(OperatorSubtaskState restoreFrom) throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new BatchFlushingKeyedCoProcessOperator<>(new KeyedModelServing<>(
                        RecordInput.parsed(), ServingSettings.defaults().withBatching(BATCHING))),
                DataRecord::getDataType,
                ModelDescriptor::getDataType,
                Types.STRING);
        harness.setup(new ProtoSerializer<>(ServingResult.class));
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        harness.setProcessingTime(now);
    }

    @BeforeEach
    void serveAConstantModel() throws Exception {
        start(null);
        publish(TestDescriptors.constant("7").setVersion(1).build());
    }

    private void publish(ModelDescriptor d) throws Exception {
        harness.processElement2(d, now);
        await(
                "ACTIVATED v" + d.getVersion(),
                () -> count(keyedEvents(harness), ModelEventType.ACTIVATED, d.getVersion()) > 0,
                () -> harness.setProcessingTime(now += KeyedModelServing.POLL_INTERVAL_MILLIS));
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void send(String... ids) throws Exception {
        for (String id : ids) {
            harness.processElement1(
                    TestDescriptors.record(1.0).toBuilder().setId(id).build(), now);
        }
    }

    private List<String> emittedIds() {
        return harness.extractOutputValues().stream()
                .map(ServingResult::getRecordId)
                .toList();
    }

    @Test
    void aFullBatchIsScoredAtOnceInArrivalOrder() throws Exception {
        send("a", "b", "c");
        assertThat(emittedIds()).as("held back until the batch is full").isEmpty();
        send("d");
        assertThat(emittedIds()).containsExactly("a", "b", "c", "d");
        assertThat(harness.extractOutputValues()).allSatisfy(r -> {
            assertThat(r.getStatus()).isEqualTo(ServingStatus.SCORED);
            assertThat(r.getOutputs(0)).as("the constant 7 + the feature 1").isEqualTo(8.0);
            assertThat(r.getModelVersion()).isEqualTo(1);
        });
        List<Long> waits = harness.extractOutputValues().stream()
                .map(ServingResult::getBatchWaitNanos)
                .toList();
        assertThat(waits.get(0))
                .as("each result tells how long its record waited for the batch; the first waited longest")
                .isPositive()
                .isGreaterThanOrEqualTo(waits.get(3));
    }

    @Test
    void aBatchThatDoesNotFillIsScoredWhenItsTimeoutPasses() throws Exception {
        send("a", "b");
        harness.setProcessingTime(now + 4_998);
        assertThat(emittedIds()).as("before the 5 s timeout").isEmpty();
        harness.setProcessingTime(now + 4_999); // Flink fires this timer 1 ms later: at the 5 s deadline
        assertThat(emittedIds()).containsExactly("a", "b");
    }

    @Test
    void everyHeldBackRecordIsEmittedBeforeTheCheckpointBarrierAndNoneAfterTheRestore() throws Exception {
        send("a", "b", "c");
        assertThat(emittedIds()).isEmpty();
        harness.prepareSnapshotPreBarrier(1);
        assertThat(emittedIds()).as("flushed before the barrier").containsExactly("a", "b", "c");
        OperatorSubtaskState snapshot = harness.snapshot(1, now);
        harness.close();

        start(snapshot);
        harness.setProcessingTime(now + 60_000);
        harness.prepareSnapshotPreBarrier(2);
        assertThat(emittedIds()).as("nothing held back was in the checkpoint").isEmpty();
        send("d");
        harness.prepareSnapshotPreBarrier(3);
        assertThat(emittedIds()).containsExactly("d");
        assertThat(harness.extractOutputValues().get(0).getStatus()).isEqualTo(ServingStatus.SCORED);
    }

    @Test
    void aNewModelFlushesTheBatchScoredByTheModelCurrentWhenItsRecordsArrived() throws Exception {
        send("a", "b");
        harness.processElement2(TestDescriptors.constant("8").setVersion(2).build(), now);
        assertThat(emittedIds()).containsExactly("a", "b");
        assertThat(harness.extractOutputValues())
                .allSatisfy(r -> assertThat(r.getModelVersion()).isEqualTo(1));
    }

    @Test
    void theEndOfInputFlushesTheBatch() throws Exception {
        send("a", "b");
        harness.close();
        List<String> ids = emittedIds();
        harness = null;
        assertThat(ids).containsExactly("a", "b");
    }
}
