package dev.modelserving.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.archive.UnpackedBytesBudget;
import dev.modelserving.model.serving.ModelCache;
import dev.modelserving.model.serving.ModelLoads;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/**
 * The resource bound metrics are registered under {@code modelServing} and read the live values; the per model
 * version and per data type metrics live in key/value groups that carry data type, model and version, and a version's
 * group is closed when it stops serving.
 */
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
            ServingMetrics metrics =
                    new ServingMetrics(registry, () -> 2, () -> 7, cache, loads, unpacked, 10, () -> 0L);
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

            assertThat(((Gauge<?>) registry.metrics.get("dataTypes")).getValue())
                    .isEqualTo(7);
            assertThat(((Gauge<?>) registry.metrics.get("modelsLoading")).getValue())
                    .isEqualTo(2);
            assertThat(((Gauge<?>) registry.metrics.get("liveModels")).getValue())
                    .isEqualTo(1);
            assertThat(((Gauge<?>) registry.metrics.get("modelsEvicted")).getValue())
                    .isEqualTo(1L);
            assertThat(((Gauge<?>) registry.metrics.get("loadTimeouts")).getValue())
                    .isEqualTo(0L);
            assertThat(((Gauge<?>) registry.metrics.get("abandonedLoadThreads")).getValue())
                    .isEqualTo(0);
            assertThat(((Gauge<?>) registry.metrics.get("unpackedBytesInUse")).getValue())
                    .isEqualTo(0L);
            assertThat(((Counter) registry.metrics.get("dataTypesRefused")).getCount())
                    .isEqualTo(1);
            Histogram waits = (Histogram) registry.metrics.get("restoreWaitNanos");
            assertThat(waits.getCount()).isEqualTo(1);
            assertThat(waits.getStatistics().getMax()).isEqualTo(5_000_000);
        }
    }

    private static final long NOW = 1_000_000L;

    private static ServingMetrics perModel(
            RecordingMetrics recording, ModelCache cache, ModelLoads loads, int maxDataTypeGroups) {
        return new ServingMetrics(
                recording.root(),
                () -> 0,
                () -> 0,
                cache,
                loads,
                new UnpackedBytesBudget(1000),
                maxDataTypeGroups,
                () -> NOW);
    }

    private static ServingResult result(
            ServingStatus status, String dataType, String model, long version, long latencyNanos, long eventTime) {
        return ServingResult.newBuilder()
                .setStatus(status)
                .setDataType(dataType)
                .setModelName(model)
                .setModelVersion(version)
                .setLatencyNanos(latencyNanos)
                .setEventTimeMillis(eventTime)
                .build();
    }

    private static ModelEvent event(ModelEventType type, String dataType, String model, long version, long loadMillis) {
        return ModelEvent.newBuilder()
                .setType(type)
                .setDataType(dataType)
                .setModelName(model)
                .setModelVersion(version)
                .setLoadMillis(loadMillis)
                .build();
    }

    private static Map<String, String> labels(String dataType, String model, long version) {
        return Map.of("data_type", dataType, "model", model, "version", String.valueOf(version));
    }

    @Test
    void resultsAndLatenciesAreCountedPerModelVersionWithLabels() {
        RecordingMetrics recording = new RecordingMetrics();
        try (ModelLoads loads = ModelLoads.threads("metrics-test", 1, 1000)) {
            ServingMetrics metrics = perModel(recording, new ModelCache(4), loads, 10);
            metrics.record(event(ModelEventType.ACTIVATED, "wine", "forest", 1, 42));
            metrics.record(result(ServingStatus.SCORED, "wine", "forest", 1, 3_000, NOW - 250));
            metrics.record(result(ServingStatus.SCORED, "wine", "forest", 1, 5_000, 0));
            metrics.record(result(ServingStatus.FAILED, "wine", "forest", 1, 1_000, NOW - 50));
            metrics.record(result(ServingStatus.SCORED, "wine", "linear", 2, 7_000, NOW - 10));

            Map<String, String> forest = labels("wine", "forest", 1);
            assertThat(((Counter) recording.live("resultsScored", forest)).getCount())
                    .isEqualTo(2);
            assertThat(((Counter) recording.live("resultsFailed", forest)).getCount())
                    .isEqualTo(1);
            Histogram scoring = (Histogram) recording.live("scoringLatencyNanos", forest);
            assertThat(scoring.getCount()).isEqualTo(3);
            assertThat(scoring.getStatistics().getMax()).isEqualTo(5_000);
            Histogram endToEnd = (Histogram) recording.live("endToEndLatencyMillis", forest);
            assertThat(endToEnd.getCount())
                    .as("the record without event time is not measured")
                    .isEqualTo(2);
            assertThat(endToEnd.getStatistics().getMax()).isEqualTo(250);
            assertThat(endToEnd.getStatistics().getMin()).isEqualTo(50);
            assertThat(((Gauge<?>) recording.live("loadMillis", forest)).getValue())
                    .isEqualTo(42L);

            Map<String, String> linear = labels("wine", "linear", 2);
            assertThat(((Counter) recording.live("resultsScored", linear)).getCount())
                    .isEqualTo(1);
            assertThat(recording.live("loadMillis", linear))
                    .as("no ACTIVATED event seen: load time unknown")
                    .isNull();
            assertThat(((Counter) recording.live("resultsScored", Map.of())).getCount())
                    .as("the per subtask aggregate stays")
                    .isEqualTo(3);
            assertThat(((Counter) recording.live("resultsFailed", Map.of())).getCount())
                    .isEqualTo(1);
        }
    }

    @Test
    void aVersionsGroupIsClosedWhenItStopsServingAndReopenedByARollback() {
        RecordingMetrics recording = new RecordingMetrics();
        try (ModelLoads loads = ModelLoads.threads("metrics-test", 1, 1000)) {
            ServingMetrics metrics = perModel(recording, new ModelCache(4), loads, 10);
            metrics.record(event(ModelEventType.ACTIVATED, "wine", "forest", 1, 10));
            metrics.record(result(ServingStatus.SCORED, "wine", "forest", 1, 1_000, 0));
            metrics.record(event(ModelEventType.SUPERSEDED, "wine", "forest", 1, 0));
            metrics.record(event(ModelEventType.ACTIVATED, "wine", "forest", 2, 20));

            assertThat(recording.live("resultsScored", labels("wine", "forest", 1)))
                    .isNull();
            assertThat(recording.live("loadMillis", labels("wine", "forest", 1)))
                    .isNull();
            assertThat(recording.live("loadMillis", labels("wine", "forest", 2)))
                    .isNotNull();

            // A late result of the superseded version (speculative executors score on their own threads).
            metrics.record(result(ServingStatus.SCORED, "wine", "forest", 1, 1_000, 0));
            assertThat(recording.live("resultsScored", labels("wine", "forest", 1)))
                    .as("a retired version's group is not re-created")
                    .isNull();
            assertThat(metrics.openVersionGroups()).isEqualTo(1);

            metrics.record(event(ModelEventType.REMOVED, "wine", "forest", 2, 0));
            assertThat(metrics.openVersionGroups()).isZero();
            assertThat(recording.live())
                    .allSatisfy(
                            (id, registered) -> assertThat(registered.labels()).doesNotContainKey("version"));

            metrics.record(event(ModelEventType.ROLLED_BACK, "wine", "forest", 1, 7));
            assertThat(((Gauge<?>) recording.live("loadMillis", labels("wine", "forest", 1))).getValue())
                    .isEqualTo(7L);
            metrics.record(result(ServingStatus.SCORED, "wine", "forest", 1, 1_000, 0));
            assertThat(((Counter) recording.live("resultsScored", labels("wine", "forest", 1))).getCount())
                    .as("a fresh group after the rollback")
                    .isEqualTo(1);

            metrics.close();
            assertThat(metrics.openVersionGroups()).isZero();
            assertThat(recording.live("resultsScored", labels("wine", "forest", 1)))
                    .isNull();
        }
    }

    @Test
    void noModelIsCountedPerDataTypeUpToTheBound() {
        RecordingMetrics recording = new RecordingMetrics();
        try (ModelLoads loads = ModelLoads.threads("metrics-test", 1, 1000)) {
            ServingMetrics metrics = perModel(recording, new ModelCache(4), loads, 2);
            for (String dataType : new String[] {"wine", "wine", "sensor", "hostile-1", "hostile-2"}) {
                metrics.record(ServingResult.newBuilder()
                        .setStatus(ServingStatus.NO_MODEL)
                        .setDataType(dataType)
                        .build());
            }
            assertThat(((Counter) recording.live("resultsNoModel", Map.of("data_type", "wine"))).getCount())
                    .isEqualTo(2);
            assertThat(((Counter) recording.live("resultsNoModel", Map.of("data_type", "sensor"))).getCount())
                    .isEqualTo(1);
            assertThat(recording.live("resultsNoModel", Map.of("data_type", "hostile-1")))
                    .isNull();
            assertThat(((Counter) recording.live(
                                    "resultsNoModel", Map.of("data_type", ServingMetrics.OTHER_DATA_TYPES)))
                            .getCount())
                    .isEqualTo(2);
            assertThat(((Counter) recording.live("resultsNoModel", Map.of())).getCount())
                    .isEqualTo(5);
            assertThat(metrics.openVersionGroups())
                    .as("NO_MODEL names no model version")
                    .isZero();
        }
    }

    @Test
    void otherMetricsRegisterUnderAVersionGroupAndCloseWithIt() {
        RecordingMetrics recording = new RecordingMetrics();
        try (ModelLoads loads = ModelLoads.threads("metrics-test", 1, 1000)) {
            ServingMetrics metrics = perModel(recording, new ModelCache(4), loads, 2);
            metrics.record(event(ModelEventType.ACTIVATED, "wine", "forest", 3, 1));
            metrics.versionGroup("wine", "forest", 3)
                    .addGroup("feature", "alcohol")
                    .gauge("driftPsi", (Gauge<Double>) () -> 0.5);
            Map<String, String> feature =
                    Map.of("data_type", "wine", "model", "forest", "version", "3", "feature", "alcohol");
            assertThat(((Gauge<?>) recording.live("driftPsi", feature)).getValue())
                    .isEqualTo(0.5);
            metrics.record(event(ModelEventType.SUPERSEDED, "wine", "forest", 3, 0));
            assertThat(recording.live("driftPsi", feature)).isNull();
        }
    }
}
