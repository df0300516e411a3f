package dev.modelserving.job.serve;

import static dev.modelserving.job.serve.ServingHarnesses.await;
import static dev.modelserving.job.serve.ServingHarnesses.count;
import static dev.modelserving.job.serve.ServingHarnesses.keyedEvents;
import static dev.modelserving.job.serve.ServingHarnesses.partitionedEvents;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.parse.RecordInput;
import dev.modelserving.flink.serving.ServingOutputs;
import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.flink.serving.StatsSchedule;
import dev.modelserving.flink.types.ProtoSerializer;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ModelStats;
import dev.modelserving.proto.ServingOutput;
import dev.modelserving.proto.ServingResult;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoStreamFlatMap;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The stats stream of the keyed (timer per data type) and partitioned (on elements) serving functions. */
class ServingStatsEmissionTest {

    private static final long INTERVAL = 10_000;

    private static ModelDescriptor constant(String dataType, long version) {
        return TestDescriptors.constant("7")
                .setDataType(dataType)
                .setVersion(version)
                .build();
    }

    private static DataRecord record(String dataType) {
        return TestDescriptors.record(1).toBuilder().setDataType(dataType).build();
    }

    private static List<ModelStats> keyedStats(
            KeyedTwoInputStreamOperatorTestHarness<String, DataRecord, ModelDescriptor, ServingResult> harness) {
        var side = harness.getSideOutput(ServingOutputs.MODEL_STATS);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void theKeyedFunctionEmitsCumulativeStatsPerDataTypeAtEveryTick() throws Exception {
        try (var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new KeyedModelServing<>(
                        RecordInput.parsed(), ServingSettings.defaults(), new StatsSchedule(INTERVAL))),
                DataRecord::getDataType,
                ModelDescriptor::getDataType,
                Types.STRING)) {
            harness.setup(new ProtoSerializer<>(ServingResult.class));
            harness.open();
            long[] now = {0};
            harness.processElement2(constant("wine", 1), 0);
            harness.processElement2(constant("sensor", 4), 0);
            await(
                    "both activated",
                    () -> count(keyedEvents(harness), ModelEventType.ACTIVATED, 1) == 1
                            && count(keyedEvents(harness), ModelEventType.ACTIVATED, 4) == 1,
                    () -> harness.setProcessingTime(now[0] += KeyedModelServing.POLL_INTERVAL_MILLIS));
            assertThat(now[0]).as("activation took less than a stats interval").isLessThan(INTERVAL);
            harness.processElement1(record("wine"), 0);
            harness.processElement1(record("wine"), 0);
            harness.processElement1(record("sensor"), 0);
            harness.processElement1(record("unserved"), 0);
            assertThat(keyedStats(harness)).as("before the first tick").isEmpty();

            harness.setProcessingTime(INTERVAL);
            assertThat(keyedStats(harness))
                    .extracting(
                            ModelStats::getDataType,
                            ModelStats::getModelVersion,
                            ModelStats::getRecords,
                            ModelStats::getServing)
                    .containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("wine", 1L, 2L, true),
                            org.assertj.core.groups.Tuple.tuple("sensor", 4L, 1L, true));

            harness.processElement1(record("wine"), 0);
            harness.setProcessingTime(2 * INTERVAL);
            List<ModelStats> all = keyedStats(harness);
            assertThat(all).hasSize(4);
            assertThat(all.subList(2, 4))
                    .filteredOn(s -> s.getDataType().equals("wine"))
                    .singleElement()
                    .satisfies(s -> assertThat(s.getRecords()).as("cumulative").isEqualTo(3));
            assertThat(all).allSatisfy(s -> assertThat(s.getEmittedBy()).isNotEmpty());
        }
    }

    @Test
    void thePartitionedFunctionEmitsStatsWithAnElementOnceTheIntervalHasPassed() throws Exception {
        try (var late = partitioned(Long.MAX_VALUE / 4);
                var eager = partitioned(1)) {
            for (var harness : List.of(late, eager)) {
                harness.processElement2(constant("wine", 2), 0);
                await(
                        "activated",
                        () -> partitionedEvents(harness).stream()
                                .anyMatch(e -> e.getType() == ModelEventType.ACTIVATED),
                        () -> harness.processElement1(record("other"), 0));
                harness.processElement1(record("wine"), 0);
            }
            assertThat(stats(late)).as("the interval has not passed").isEmpty();
            await(
                    "stats with a record",
                    () -> stats(eager).stream().anyMatch(s -> s.getRecords() > 0),
                    () -> eager.processElement1(record("wine"), 0));
            ModelStats last = stats(eager).get(stats(eager).size() - 1);
            assertThat(last.getDataType()).isEqualTo("wine");
            assertThat(last.getModelVersion()).isEqualTo(2);
            assertThat(last.getScored()).isPositive();
            assertThat(last.getLatencyP99Nanos()).isGreaterThanOrEqualTo(last.getLatencyP50Nanos());
        }
    }

    private static TwoInputStreamOperatorTestHarness<DataRecord, ModelDescriptor, ServingOutput> partitioned(
            long interval) throws Exception {
        var harness = new TwoInputStreamOperatorTestHarness<>(new CoStreamFlatMap<>(new PartitionedModelServing<>(
                RecordInput.parsed(), ServingSettings.defaults(), new StatsSchedule(interval))));
        harness.setup(new ProtoSerializer<>(ServingOutput.class));
        harness.open();
        return harness;
    }

    private static List<ModelStats> stats(
            TwoInputStreamOperatorTestHarness<DataRecord, ModelDescriptor, ServingOutput> harness) {
        return harness.extractOutputValues().stream()
                .filter(ServingOutput::hasStats)
                .map(ServingOutput::getStats)
                .toList();
    }
}
