package dev.modelserving.flink.serving;

import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ServingResult;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The serving functions' metrics, under the operator's group {@code modelServing}: results by status, model events
 * by type, scoring latency (ns) and the number of candidates loading. Visible in the web UI, the REST API and any
 * configured reporter.
 */
public final class ServingMetrics {

    private final Map<dev.modelserving.proto.ServingStatus, Counter> results =
            new EnumMap<>(dev.modelserving.proto.ServingStatus.class);
    private final Map<dev.modelserving.proto.ModelEventType, Counter> events =
            new EnumMap<>(dev.modelserving.proto.ModelEventType.class);
    private final Histogram latency;

    public ServingMetrics(MetricGroup operatorGroup, IntSupplier loadingModels) {
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
        group.gauge("modelsLoading", loadingModels::getAsInt);
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
}
