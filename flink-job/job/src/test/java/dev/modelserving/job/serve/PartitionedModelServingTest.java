package dev.modelserving.job.serve;

import static dev.modelserving.job.serve.ServingHarnesses.await;
import static dev.modelserving.job.serve.ServingHarnesses.partitionedEvents;
import static dev.modelserving.job.serve.ServingHarnesses.partitionedResults;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.parse.RecordInput;
import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.flink.types.ProtoSerializer;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingOutput;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoStreamFlatMap;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PartitionedModelServingTest {

    private static final int MAX_PARALLELISM = 128;

    private final List<TwoInputStreamOperatorTestHarness<DataRecord, ModelDescriptor, ServingOutput>> harnesses =
            new ArrayList<>();
    private ServingSettings settings = ServingSettings.defaults();

    private TwoInputStreamOperatorTestHarness<DataRecord, ModelDescriptor, ServingOutput> start(
            int parallelism, int subtask, OperatorSubtaskState restoreFrom) throws Exception {
        var harness = new TwoInputStreamOperatorTestHarness<>(
                new CoStreamFlatMap<>(new PartitionedModelServing<>(RecordInput.parsed(), settings)),
                MAX_PARALLELISM,
                parallelism,
                subtask);
        harness.setup(new ProtoSerializer<>(ServingOutput.class));
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        harnesses.add(harness);
        return harness;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (var harness : harnesses) {
            harness.close();
        }
    }

    private static ModelDescriptor constant(long version, String value) {
        return TestDescriptors.constant(value).setVersion(version).build();
    }

    private static ServingResult score(
            TwoInputStreamOperatorTestHarness<DataRecord, ModelDescriptor, ServingOutput> h, double... features)
            throws Exception {
        h.processElement1(TestDescriptors.record(features), 0);
        List<ServingResult> results = partitionedResults(h);
        return results.get(results.size() - 1);
    }

    /** Publishes and sends records until the candidate is activated (a CoFlatMap polls on every element). */
    private static void publishAndAwait(
            AbstractStreamOperatorTestHarness<ServingOutput> harness, ModelDescriptor d, ModelEventType expected)
            throws Exception {
        var h = (TwoInputStreamOperatorTestHarness<DataRecord, ModelDescriptor, ServingOutput>) harness;
        h.processElement2(d, 0);
        await(
                expected + " " + d.getName() + " v" + d.getVersion(),
                () -> partitionedEvents(h).stream()
                        .anyMatch(e -> e.getType() == expected
                                && e.getModelName().equals(d.getName())
                                && e.getModelVersion() == d.getVersion()),
                () -> h.processElement1(
                        DataRecord.newBuilder()
                                .setDataType("other")
                                .setId("poll")
                                .build(),
                        0));
    }

    @Test
    void swapsStaleAndNoModel() throws Exception {
        var h = start(1, 0, null);
        assertThat(score(h, 1).getStatus()).isEqualTo(ServingStatus.NO_MODEL);
        publishAndAwait(h, constant(1, "10"), ModelEventType.ACTIVATED);
        assertThat(score(h, 1).getOutputsList()).containsExactly(11.0);
        publishAndAwait(h, constant(2, "20"), ModelEventType.ACTIVATED);
        ServingResult v2 = score(h, 1);
        assertThat(v2.getOutputsList()).containsExactly(21.0);
        assertThat(v2.getModelVersion()).isEqualTo(2);
        h.processElement2(constant(2, "30"), 0);
        assertThat(partitionedEvents(h))
                .filteredOn(e -> e.getType() == ModelEventType.REJECTED)
                .singleElement()
                .satisfies(e -> assertThat(e.getReason()).startsWith("stale"));
        assertThat(partitionedResults(h))
                .filteredOn(r -> r.getDataType().equals("other"))
                .allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ServingStatus.NO_MODEL));
    }

    @Test
    void aFailedCandidateKeepsTheCurrentModel() throws Exception {
        var h = start(1, 0, null);
        publishAndAwait(h, constant(1, "10"), ModelEventType.ACTIVATED);
        publishAndAwait(h, constant(2, "oops"), ModelEventType.REJECTED);
        assertThat(score(h, 0).getModelVersion()).isEqualTo(1);
    }

    @Test
    void aJobRestoredAtAnotherParallelismServesEveryModelOnEverySubtask() throws Exception {
        var first = start(2, 0, null);
        var second = start(2, 1, null);
        ModelDescriptor other = TestDescriptors.constant("100")
                .setDataType("other-type")
                .setName("o")
                .build();
        for (var h : List.of(first, second)) {
            publishAndAwait(h, constant(1, "10"), ModelEventType.ACTIVATED);
            publishAndAwait(h, other, ModelEventType.ACTIVATED);
        }
        OperatorSubtaskState packaged =
                AbstractStreamOperatorTestHarness.repackageState(first.snapshot(1, 0), second.snapshot(1, 0));

        for (int subtask = 0; subtask < 3; subtask++) {
            var restored = start(
                    3,
                    subtask,
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            packaged, MAX_PARALLELISM, 2, 3, subtask));
            ServingResult result = score(restored, 1);
            assertThat(result.getStatus()).as("subtask " + subtask).isEqualTo(ServingStatus.SCORED);
            assertThat(result.getOutputsList()).containsExactly(11.0);
            restored.processElement1(
                    DataRecord.newBuilder().setDataType("other-type").setId("x").build(), 0);
            ServingResult otherResult = partitionedResults(restored).get(1);
            assertThat(otherResult.getModelName()).isEqualTo("o");
            assertThat(otherResult.getOutputsList()).containsExactly(100.0);
            assertThat(partitionedEvents(restored)).as("no republishing needed").isEmpty();
        }
    }

    @Test
    void aNewDataTypeBeyondTheBoundIsRejected() throws Exception {
        settings = ServingSettings.defaults()
                .withBounds(
                        dev.modelserving.model.serving.ServingBounds.defaults().withMaxDataTypes(1));
        var h = start(1, 0, null);
        publishAndAwait(h, constant(1, "10"), ModelEventType.ACTIVATED);
        h.processElement2(TestDescriptors.constant("5").setDataType("second").build(), 0);
        assertThat(partitionedEvents(h))
                .filteredOn(e -> e.getDataType().equals("second"))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
                    assertThat(e.getReason())
                            .startsWith("RESOURCE_LIMIT:")
                            .contains("1 data types", "--max-data-types");
                });
        h.processElement1(
                DataRecord.newBuilder().setDataType("second").setId("s").build(), 0);
        assertThat(partitionedResults(h).get(partitionedResults(h).size() - 1).getStatus())
                .isEqualTo(ServingStatus.NO_MODEL);
        assertThat(score(h, 1).getOutputsList()).containsExactly(11.0);
    }

    @Test
    void restoredSlotsRebuildInOpenAndTheFirstRecordIsScoredNotNoModel() throws Exception {
        var first = start(1, 0, null);
        publishAndAwait(
                first,
                dev.modelserving.model.SlowModelFactory.descriptor("test", "slow", 1, 700, 0, 42)
                        .build(),
                ModelEventType.ACTIVATED);
        OperatorSubtaskState snapshot = first.snapshot(1, 0);

        var restored = start(1, 0, snapshot);
        ServingResult result = score(restored, 1);
        assertThat(result.getStatus()).isEqualTo(ServingStatus.SCORED);
        assertThat(result.getOutputsList()).containsExactly(42.0);
        assertThat(partitionedEvents(restored)).isEmpty();
    }
}
