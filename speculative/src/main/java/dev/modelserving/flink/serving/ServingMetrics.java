package dev.modelserving.flink.serving;

import dev.modelserving.model.archive.UnpackedBytesBudget;
import dev.modelserving.model.serving.ModelCache;
import dev.modelserving.model.serving.ModelLoads;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ServingResult;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The serving functions' metrics, under the operator's group {@code modelServing}: results by status, model events
 * by type, scoring latency (ns), the number of candidates loading, and the resource bounds: {@code liveModels},
 * {@code modelsEvicted}, {@code dataTypes}, {@code dataTypesRefused}, {@code loadTimeouts},
 * {@code abandonedLoadThreads} (hung loads whose thread is still alive), {@code unpackedBytesInUse} and
 * {@code restoreWaitNanos} (how long records waited for a model being rebuilt). Visible in the web UI, the REST API
 * and any configured reporter.
 */
public final class ServingMetrics {

    private final Map<dev.modelserving.proto.ServingStatus, Counter> results =
            new EnumMap<>(dev.modelserving.proto.ServingStatus.class);
    private final Map<dev.modelserving.proto.ModelEventType, Counter> events =
            new EnumMap<>(dev.modelserving.proto.ModelEventType.class);
    private final Histogram latency;
    private final Histogram restoreWaits;
    private final Counter dataTypesRefused;

    public ServingMetrics(MetricGroup operatorGroup, IntSupplier loadingModels, IntSupplier dataTypes,
            ModelCache cache, ModelLoads loads, UnpackedBytesBudget unpacked) {
        MetricGroup group = operatorGroup.addGroup("modelServing");
        results.put(dev.modelserving.proto.ServingStatus.SCORED, group.counter("resultsScored"));
        results.put(dev.modelserving.proto.ServingStatus.NO_MODEL, group.counter("resultsNoModel"));
        results.put(dev.modelserving.proto.ServingStatus.FAILED, group.counter("resultsFailed"));
        events.put(dev.modelserving.proto.ModelEventType.ACTIVATED, group.counter("modelsActivated"));
        events.put(dev.modelserving.proto.ModelEventType.REJECTED, group.counter("modelsRejected"));
        events.put(dev.modelserving.proto.ModelEventType.SUPERSEDED, group.counter("modelsSuperseded"));
        events.put(dev.modelserving.proto.ModelEventType.ROLLED_BACK, group.counter("modelsRolledBack"));
        events.put(dev.modelserving.proto.ModelEventType.REMOVED, group.counter("modelsRemoved"));
        latency = group.histogram("scoringLatencyNanos", new DescriptiveStatisticsHistogram(1000));
        restoreWaits = group.histogram("restoreWaitNanos", new DescriptiveStatisticsHistogram(1000));
        dataTypesRefused = group.counter("dataTypesRefused");
        group.gauge("modelsLoading", loadingModels::getAsInt);
        group.gauge("dataTypes", dataTypes::getAsInt);
        group.gauge("liveModels", (Gauge<Integer>) cache::liveModels);
        group.gauge("modelsEvicted", (Gauge<Long>) cache::evictions);
        group.gauge("loadTimeouts", (Gauge<Long>) loads::timeouts);
        group.gauge("abandonedLoadThreads", (Gauge<Integer>) loads::abandonedAlive);
        group.gauge("unpackedBytesInUse", (Gauge<Long>) unpacked::inUse);
    }

    public void record(ServingResult result) {
        Counter counter = results.get(result.getStatus());
        if (counter != null) {
            counter.inc();
        }
        if (result.getLatencyNanos() > 0) {
            latency.update(result.getLatencyNanos());
        }
    }

    public void record(ModelEvent event) {
        Counter counter = events.get(event.getType());
        if (counter != null) {
            counter.inc();
        }
    }

    /** A record waited this long for its model to be rebuilt (may be called from scoring threads). */
    public void recordRestoreWait(long nanos) {
        synchronized (restoreWaits) {
            restoreWaits.update(nanos);
        }
    }

    /** A descriptor of a new data type was refused by the data type bound. */
    public void dataTypeRefused() {
        dataTypesRefused.inc();
    }
}
