package dev.modelserving.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ServingResult;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;

class ProtoRecordSerializerMetricsTest {

    /** Keeps the counters it hands out, by name. */
    private static final class CountersByName extends UnregisteredMetricsGroup {
        final Map<String, Counter> counters = new HashMap<>();

        @Override
        public Counter counter(String name) {
            return counter(name, new SimpleCounter());
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            counters.put(name, counter);
            return counter;
        }
    }

    @Test
    void oversizedMessagesAreCountedAndAHopelessOneIsSkipped() throws Exception {
        CountersByName metrics = new CountersByName();
        SerializationSchema.InitializationContext context = new SerializationSchema.InitializationContext() {
            @Override
            public MetricGroup getMetricGroup() {
                return metrics;
            }

            @Override
            public UserCodeClassLoader getUserCodeClassLoader() {
                return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
            }
        };
        ProtoRecordSerializer<ServingResult> results =
                new ProtoRecordSerializer<>("results", ServingResult::getKey, 2048);
        results.open(context, null);
        Map<String, Counter> firstOpen = Map.copyOf(metrics.counters);
        results.open(context, null); // the exactly-once Kafka writer opens its serializer twice
        assertThat(metrics.counters)
                .as("registered once: a second registration would collide")
                .isEqualTo(firstOpen);
        ServingResult.Builder big = ServingResult.newBuilder().setRecordId("r");
        for (int i = 0; i < 1000; i++) {
            big.addOutputs(i);
        }
        assertThat(ServingResult.parseFrom(
                                results.serialize(big.build(), null, 1L).value())
                        .getError())
                .contains("above the Kafka request limit of 2048 bytes");
        assertThat(results.serialize(big.setKey("k".repeat(3000)).build(), null, 1L))
                .isNull();
        assertThat(metrics.counters
                        .get(ProtoRecordSerializer.RESULTS_FAILED_METRIC)
                        .getCount())
                .isEqualTo(1);
        assertThat(metrics.counters.get(ProtoRecordSerializer.DROPPED_METRIC).getCount())
                .isEqualTo(1);

        ProtoRecordSerializer<DataRecord> records = new ProtoRecordSerializer<>("r", DataRecord::getKey, 2048);
        records.open(context, null);
        assertThat(records.serialize(
                        DataRecord.newBuilder().setId("x".repeat(4000)).build(), null, 1L))
                .isNull();
        assertThat(metrics.counters.get(ProtoRecordSerializer.DROPPED_METRIC).getCount())
                .as("the second serializer registered its own counter")
                .isEqualTo(1);
    }
}
