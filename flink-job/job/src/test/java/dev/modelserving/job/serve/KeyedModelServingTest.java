package dev.modelserving.job.serve;

import static dev.modelserving.job.serve.ServingHarnesses.await;
import static dev.modelserving.job.serve.ServingHarnesses.count;
import static dev.modelserving.job.serve.ServingHarnesses.keyedEvents;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.parse.RecordInput;
import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.flink.types.ProtoSerializer;
import dev.modelserving.model.HangingModelFactory;
import dev.modelserving.model.SlowModelFactory;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.model.serving.ServingBounds;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyedModelServingTest {

    private KeyedTwoInputStreamOperatorTestHarness<String, DataRecord, ModelDescriptor, ServingResult> harness;
    private long now;
    private ServingSettings settings = ServingSettings.defaults();

    private KeyedTwoInputStreamOperatorTestHarness<String, DataRecord, ModelDescriptor, ServingResult> newHarness()
            throws Exception {
        return new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new KeyedModelServing<>(RecordInput.parsed(), settings)),
                DataRecord::getDataType,
                ModelDescriptor::getDataType,
                Types.STRING);
    }

    private void start(OperatorSubtaskState restoreFrom) throws Exception {
        harness = newHarness();
        harness.setup(new ProtoSerializer<>(ServingResult.class));
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static ModelDescriptor constant(long version, String value) {
        return TestDescriptors.constant(value).setVersion(version).build();
    }

    private ServingResult score(double... features) throws Exception {
        int before = harness.extractOutputValues().size();
        harness.processElement1(TestDescriptors.record(features), now);
        List<ServingResult> results = harness.extractOutputValues();
        assertThat(results).hasSize(before + 1);
        return results.get(before);
    }

    private void publishAndAwait(ModelDescriptor d, ModelEventType expected) throws Exception {
        harness.processElement2(d, now);
        awaitEvent(expected, d.getVersion());
    }

    private void awaitEvent(ModelEventType type, long version) throws Exception {
        await(
                type + " v" + version,
                () -> count(keyedEvents(harness), type, version) > 0,
                () -> harness.setProcessingTime(now += KeyedModelServing.POLL_INTERVAL_MILLIS));
    }

    @Test
    void recordsWithoutModelGetNoModel() throws Exception {
        start(null);
        ServingResult result = score(1);
        assertThat(result.getStatus()).isEqualTo(ServingStatus.NO_MODEL);
        assertThat(result.getRecordId()).isEqualTo("r");
        assertThat(result.getDataType()).isEqualTo("test");
    }

    @Test
    void aNewerVersionIsSwappedInAndResultsNameIt() throws Exception {
        start(null);
        publishAndAwait(constant(1, "10"), ModelEventType.ACTIVATED);
        assertThat(score(1).getOutputsList()).containsExactly(11.0);
        publishAndAwait(constant(2, "20"), ModelEventType.ACTIVATED);
        ServingResult v2 = score(1);
        assertThat(v2.getOutputsList()).containsExactly(21.0);
        assertThat(v2.getModelName()).isEqualTo("constant");
        assertThat(v2.getModelVersion()).isEqualTo(2);
        assertThat(v2.getModelSha256()).hasSize(64);
        assertThat(count(keyedEvents(harness), ModelEventType.SUPERSEDED, 1)).isEqualTo(1);
    }

    @Test
    void aStaleVersionIsRejected() throws Exception {
        start(null);
        publishAndAwait(constant(2, "10"), ModelEventType.ACTIVATED);
        harness.processElement2(constant(1, "99"), now);
        assertThat(keyedEvents(harness))
                .filteredOn(e -> e.getType() == ModelEventType.REJECTED)
                .singleElement()
                .satisfies(e -> assertThat(e.getReason()).startsWith("stale"));
        assertThat(score(0).getModelVersion()).isEqualTo(2);
    }

    @Test
    void aFailedCandidateKeepsTheCurrentModelServing() throws Exception {
        start(null);
        publishAndAwait(constant(1, "10"), ModelEventType.ACTIVATED);
        publishAndAwait(constant(2, "not a number"), ModelEventType.REJECTED);
        ModelEvent rejected = keyedEvents(harness).stream()
                .filter(e -> e.getType() == ModelEventType.REJECTED)
                .findFirst()
                .orElseThrow();
        assertThat(rejected.getReason()).contains("INVALID_ARTIFACT");
        ServingResult result = score(1);
        assertThat(result.getModelVersion()).isEqualTo(1);
        assertThat(result.getOutputsList()).containsExactly(11.0);
    }

    @Test
    void aRestoredJobServesWithoutRepublishing() throws Exception {
        start(null);
        publishAndAwait(constant(1, "10"), ModelEventType.ACTIVATED);
        OperatorSubtaskState snapshot = harness.snapshot(1, now);
        harness.close();

        start(snapshot);
        ServingResult result = score(5);
        assertThat(result.getStatus()).isEqualTo(ServingStatus.SCORED);
        assertThat(result.getOutputsList()).containsExactly(15.0);
        assertThat(result.getModelVersion()).isEqualTo(1);
    }

    @Test
    void aCheckpointTakenWhileLoadingFinishesTheLoadAfterRestore() throws Exception {
        start(null);
        publishAndAwait(constant(1, "10"), ModelEventType.ACTIVATED);
        harness.processElement2(
                SlowModelFactory.descriptor("test", "constant", 2, 1500, 0, 42).build(), now);
        OperatorSubtaskState snapshot = harness.snapshot(1, now);
        assertThat(count(keyedEvents(harness), ModelEventType.ACTIVATED, 2))
                .as("still loading at snapshot")
                .isZero();
        harness.close();

        start(snapshot);
        assertThat(score(0).getModelVersion())
                .as("v1 serves while v2 loads again")
                .isEqualTo(1);
        awaitEvent(ModelEventType.ACTIVATED, 2);
        assertThat(score(0).getOutputsList()).containsExactly(42.0);
    }

    @Test
    void aSlowLoadForOneDataTypeDoesNotStallAnother() throws Exception {
        start(null);
        publishAndAwait(constant(1, "10"), ModelEventType.ACTIVATED);
        harness.processElement2(
                SlowModelFactory.descriptor("big", "huge", 1, 4000, 0, 1).build(), now);
        for (int i = 0; i < 100; i++) {
            assertThat(score(i).getStatus()).isEqualTo(ServingStatus.SCORED);
        }
        assertThat(count(keyedEvents(harness), ModelEventType.ACTIVATED, 1))
                .as("the big model was still loading while 100 records of another type were scored")
                .isEqualTo(1);
        harness.processElement1(
                DataRecord.newBuilder().setDataType("big").setId("b").build(), now);
        assertThat(harness.extractOutputValues()
                        .get(harness.extractOutputValues().size() - 1)
                        .getStatus())
                .isEqualTo(ServingStatus.NO_MODEL);
        await(
                "the big model to serve",
                () -> count(keyedEvents(harness), ModelEventType.ACTIVATED, 1) == 2,
                () -> harness.setProcessingTime(now += KeyedModelServing.POLL_INTERVAL_MILLIS));
    }

    @Test
    void rollbackAndRemoveCommands() throws Exception {
        start(null);
        publishAndAwait(constant(1, "10"), ModelEventType.ACTIVATED);
        publishAndAwait(constant(2, "20"), ModelEventType.ACTIVATED);
        harness.processElement2(
                ModelDescriptor.newBuilder()
                        .setName("constant")
                        .setDataType("test")
                        .setAction(dev.modelserving.proto.ModelAction.ROLLBACK)
                        .setRollbackToVersion(1)
                        .setVersion(3)
                        .build(),
                now);
        awaitEvent(ModelEventType.ROLLED_BACK, 1);
        assertThat(score(0).getModelVersion()).isEqualTo(1);
        harness.processElement2(
                ModelDescriptor.newBuilder()
                        .setName("constant")
                        .setDataType("test")
                        .setAction(dev.modelserving.proto.ModelAction.REMOVE)
                        .setVersion(4)
                        .build(),
                now);
        assertThat(count(keyedEvents(harness), ModelEventType.REMOVED, 1)).isEqualTo(1);
        assertThat(score(0).getStatus()).isEqualTo(ServingStatus.NO_MODEL);
    }

    private ServingResult score(String dataType, double... features) throws Exception {
        int before = harness.extractOutputValues().size();
        harness.processElement1(
                TestDescriptors.record(features).toBuilder()
                        .setDataType(dataType)
                        .build(),
                now);
        List<ServingResult> results = harness.extractOutputValues();
        assertThat(results).hasSize(before + 1);
        return results.get(before);
    }

    private List<ModelEvent> eventsOf(String dataType, ModelEventType type) {
        return keyedEvents(harness).stream()
                .filter(e -> e.getDataType().equals(dataType) && e.getType() == type)
                .toList();
    }

    @Test
    void hangingModelsAreRejectedWithTimeoutWhileAnotherDataTypeServesAndLoads() throws Exception {
        settings = ServingSettings.defaults()
                .withBounds(
                        ServingBounds.defaults().withModelLoadTimeoutMillis(800).withMaxConcurrentLoads(2));
        start(null);
        publishAndAwait(constant(1, "10"), ModelEventType.ACTIVATED);
        // Two hung loads take both load places.
        harness.processElement2(
                HangingModelFactory.descriptor("big1", "hung", 1, "hang").build(), now);
        harness.processElement2(
                HangingModelFactory.descriptor("big2", "hung", 1, "hang").build(), now);
        for (int i = 0; i < 50; i++) {
            assertThat(score(i).getStatus())
                    .as("the operator thread is not blocked")
                    .isEqualTo(ServingStatus.SCORED);
        }
        harness.processElement2(constant(2, "20"), now);
        awaitEvent(ModelEventType.ACTIVATED, 2);
        assertThat(score(1).getOutputsList())
                .as("loaded once the hung loads were abandoned")
                .containsExactly(21.0);
        for (String big : List.of("big1", "big2")) {
            // The timeout frees the load place (so v2 may activate first); the slot reports it at its next poll.
            await(
                    big + " rejected",
                    () -> !eventsOf(big, ModelEventType.REJECTED).isEmpty(),
                    () -> harness.setProcessingTime(now += KeyedModelServing.POLL_INTERVAL_MILLIS));
            assertThat(eventsOf(big, ModelEventType.REJECTED)).singleElement().satisfies(e -> {
                assertThat(e.getReason()).startsWith("TIMEOUT:").contains("hung@1", "800 ms");
                assertThat(e.getModelName()).isEqualTo("hung");
            });
            assertThat(score(big, 1).getStatus()).isEqualTo(ServingStatus.NO_MODEL);
        }
    }

    @Test
    void aNewDataTypeBeyondTheBoundIsRejectedAndItsRecordsGetNoModel() throws Exception {
        settings =
                ServingSettings.defaults().withBounds(ServingBounds.defaults().withMaxDataTypes(2));
        start(null);
        for (String type : List.of("a", "b")) {
            harness.processElement2(
                    constant(1, "10").toBuilder().setDataType(type).build(), now);
        }
        await(
                "a and b active",
                () -> eventsOf("a", ModelEventType.ACTIVATED).size()
                                + eventsOf("b", ModelEventType.ACTIVATED).size()
                        == 2,
                () -> harness.setProcessingTime(now += KeyedModelServing.POLL_INTERVAL_MILLIS));
        assertThat(score("x", 1).getStatus()).as("records create no slot").isEqualTo(ServingStatus.NO_MODEL);
        harness.processElement2(constant(1, "30").toBuilder().setDataType("c").build(), now);
        assertThat(eventsOf("c", ModelEventType.REJECTED))
                .singleElement()
                .satisfies(e -> assertThat(e.getReason())
                        .startsWith("RESOURCE_LIMIT:")
                        .contains("'c'", "2 data types", "--max-data-types"));
        assertThat(score("c", 1).getStatus()).isEqualTo(ServingStatus.NO_MODEL);
        harness.processElement2(constant(2, "20").toBuilder().setDataType("a").build(), now);
        await(
                "a v2",
                () -> eventsOf("a", ModelEventType.ACTIVATED).size() == 2,
                () -> harness.setProcessingTime(now += KeyedModelServing.POLL_INTERVAL_MILLIS));
        assertThat(score("a", 1).getOutputsList())
                .as("known data types still take new versions")
                .containsExactly(21.0);
        assertThat(score("b", 1).getOutputsList()).containsExactly(11.0);
    }

    @Test
    void afterARestoreARecordWaitsForTheRebuildAtMostTheBound() throws Exception {
        settings =
                ServingSettings.defaults().withBounds(ServingBounds.defaults().withRestoreWaitMillis(200));
        start(null);
        publishAndAwait(
                SlowModelFactory.descriptor("test", "slow", 1, 1500, 0, 42).build(), ModelEventType.ACTIVATED);
        OperatorSubtaskState snapshot = harness.snapshot(1, now);
        harness.close();

        start(snapshot);
        long started = System.nanoTime();
        ServingResult waited = score(0);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(waited.getStatus()).as("a model serves: not NO_MODEL").isEqualTo(ServingStatus.FAILED);
        assertThat(waited.getError()).startsWith("model slow@1 is still being rebuilt after restore (waited ");
        assertThat(tookMillis).isBetween(200L, 1400L);
        await(
                "the rebuilt model to score",
                () -> {
                    try {
                        return score(0).getStatus() == ServingStatus.SCORED;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                },
                () -> {});
        assertThat(score(0).getOutputsList()).containsExactly(42.0);
        assertThat(keyedEvents(harness))
                .as("rebuilt from state, not republished")
                .isEmpty();
    }
}
