package dev.modelserving.job.serve;

import static dev.modelserving.job.serve.ServingHarnesses.await;
import static dev.modelserving.job.serve.ServingHarnesses.partitionedEvents;
import static dev.modelserving.job.serve.ServingHarnesses.partitionedResults;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.parse.RecordInput;
import dev.modelserving.flink.serving.BatchSettings;
import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.flink.types.ProtoSerializer;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingOutput;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Micro-batching in partitioned serving, run in its {@link BatchFlushingCoFlatMapOperator}: batches of 4 records or
 * 5 s per data type, the timeout driven by the operator's processing-time callbacks; every held-back record is
 * emitted before a checkpoint barrier, at a model change and at the end of input.
 */
class PartitionedBatchingHarnessTest {

    private static final BatchSettings BATCHING = new BatchSettings(4, 5_000_000);

    private TwoInputStreamOperatorTestHarness<DataRecord, ModelDescriptor, ServingOutput> harness;
    private final long now = 1_000;

    private void start(OperatorSubtaskState restoreFrom) throws Exception {
        harness = new TwoInputStreamOperatorTestHarness<>(
                new BatchFlushingCoFlatMapOperator<>(new PartitionedModelServing<>(
                        RecordInput.parsed(), ServingSettings.defaults().withBatching(BATCHING))));
        harness.setup(new ProtoSerializer<>(ServingOutput.class));
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.setProcessingTime(now);
        harness.open();
    }

    @BeforeEach
    void serveAConstantModel() throws Exception {
        start(null);
        ModelDescriptor d = TestDescriptors.constant("7").setVersion(1).build();
        harness.processElement2(d, 0);
        await(
                "ACTIVATED v1",
                () -> partitionedEvents(harness).stream()
                        .anyMatch(e -> e.getType() == ModelEventType.ACTIVATED && e.getModelVersion() == 1),
                () -> harness.processElement1(
                        DataRecord.newBuilder()
                                .setDataType("other")
                                .setId("poll")
                                .build(),
                        0));
        harness.getOutput().clear();
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
                    TestDescriptors.record(1.0).toBuilder().setId(id).build(), 0);
        }
    }

    private List<String> emittedIds() {
        return partitionedResults(harness).stream()
                .filter(r -> r.getDataType().equals("test"))
                .map(ServingResult::getRecordId)
                .toList();
    }

    @Test
    void aFullBatchIsScoredAtOnceInArrivalOrder() throws Exception {
        send("a", "b", "c");
        assertThat(emittedIds()).isEmpty();
        send("d");
        assertThat(emittedIds()).containsExactly("a", "b", "c", "d");
        assertThat(partitionedResults(harness)).allSatisfy(r -> {
            assertThat(r.getStatus()).isEqualTo(ServingStatus.SCORED);
            assertThat(r.getOutputs(0)).as("the constant 7 + the feature 1").isEqualTo(8.0);
        });
    }

    @Test
    void theProcessingTimeCallbackFlushesABatchWhoseTimeoutPassed() throws Exception {
        send("a", "b");
        harness.setProcessingTime(now + 4_998);
        assertThat(emittedIds()).as("before the 5 s timeout").isEmpty();
        harness.setProcessingTime(now + 4_999); // Flink fires this timer 1 ms later: at the 5 s deadline
        assertThat(emittedIds()).containsExactly("a", "b");
        send("c");
        harness.setProcessingTime(now + 10_000);
        assertThat(emittedIds()).as("a later batch gets its own callback").containsExactly("a", "b", "c");
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
    }

    @Test
    void aNewModelFlushesTheBatchFirst() throws Exception {
        send("a", "b");
        harness.processElement2(TestDescriptors.constant("8").setVersion(2).build(), 0);
        assertThat(emittedIds()).containsExactly("a", "b");
        assertThat(partitionedResults(harness))
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
