package dev.modelserving.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.archive.UnpackedBytesBudget;
import dev.modelserving.model.serving.ModelCache;
import dev.modelserving.model.serving.ModelLoads;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** The resource bound metrics are registered under {@code modelServing} and read the live values. */
class ServingMetricsTest {

    /** A metric group that keeps what is registered in it (and in its subgroups), by name. */
    private static final class Registry extends UnregisteredMetricsGroup {

        final Map<String, Metric> metrics = new HashMap<>();

        @Override
        public Counter counter(String name) {
            return counter(name, new org.apache.flink.metrics.SimpleCounter());
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            metrics.put(name, counter);
            return counter;
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            metrics.put(name, gauge);
            return gauge;
        }

        @Override
        public <H extends Histogram> H histogram(String name, H histogram) {
            metrics.put(name, histogram);
            return histogram;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return this;
        }
    }

    @Test
    void boundsAreVisibleAsMetrics() {
        Registry registry = new Registry();
        ModelCache cache = new ModelCache(1);
        UnpackedBytesBudget unpacked = new UnpackedBytesBudget(1000);
        try (ModelLoads loads = ModelLoads.threads("metrics-test", 1, 1000)) {
            ServingMetrics metrics = new ServingMetrics(registry, () -> 2, () -> 7, cache, loads, unpacked);
            metrics.recordRestoreWait(5_000_000);
            for (String name : new String[] {"a", "b"}) {
                cache.admit(new ModelCache.Holder() {
                    @Override
                    public boolean evictIfIdle() {
                        return true;
                    }

                    @Override
                    public String describe() {
                        return name;
                    }
                });
            }
            metrics.dataTypeRefused();

            assertThat(((Gauge<?>) registry.metrics.get("dataTypes")).getValue()).isEqualTo(7);
            assertThat(((Gauge<?>) registry.metrics.get("modelsLoading")).getValue()).isEqualTo(2);
            assertThat(((Gauge<?>) registry.metrics.get("liveModels")).getValue()).isEqualTo(1);
            assertThat(((Gauge<?>) registry.metrics.get("modelsEvicted")).getValue()).isEqualTo(1L);
            assertThat(((Gauge<?>) registry.metrics.get("loadTimeouts")).getValue()).isEqualTo(0L);
            assertThat(((Gauge<?>) registry.metrics.get("abandonedLoadThreads")).getValue()).isEqualTo(0);
            assertThat(((Gauge<?>) registry.metrics.get("unpackedBytesInUse")).getValue()).isEqualTo(0L);
            assertThat(((Counter) registry.metrics.get("dataTypesRefused")).getCount()).isEqualTo(1);
            Histogram waits = (Histogram) registry.metrics.get("restoreWaitNanos");
            assertThat(waits.getCount()).isEqualTo(1);
            assertThat(waits.getStatistics().getMax()).isEqualTo(5_000_000);
        }
    }
}
