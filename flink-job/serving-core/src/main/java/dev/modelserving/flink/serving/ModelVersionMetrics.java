package dev.modelserving.flink.serving;

import dev.modelserving.proto.ServingResult;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;

/**
 * The metrics of one serving model version in one operator instance, in the group
 * {@code modelServing.data_type.<d>.model.<m>.version.<v>} (key/value groups, so reporters label the series with
 * {@code data_type}, {@code model} and {@code version}): results by status, scoring latency, end-to-end latency
 * (record event time to emit) and the time its last load took. Closed (unregistered from every reporter) when the
 * version stops serving, so a long-running job does not pile up series of versions that no longer exist.
 */
final class ModelVersionMetrics implements AutoCloseable {

    /** Which model version: data type, model name, version. */
    record Key(String dataType, String modelName, long version) {}

    /** How many recent samples the latency histograms keep (their quantiles are over these). */
    static final int HISTOGRAM_WINDOW = 1000;

    private final MetricGroup group;
    private final Counter scored;
    private final Counter failed;
    private final Histogram scoringLatency;
    private final Histogram endToEndLatency;
    private volatile long loadMillis = -1;
    private boolean loadGaugeRegistered;

    ModelVersionMetrics(MetricGroup dataTypeGroup, Key key) {
        this.group =
                dataTypeGroup.addGroup("model", key.modelName()).addGroup("version", String.valueOf(key.version()));
        this.scored = group.counter("resultsScored");
        this.failed = group.counter("resultsFailed");
        this.scoringLatency =
                group.histogram("scoringLatencyNanos", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        this.endToEndLatency =
                group.histogram("endToEndLatencyMillis", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
    }

    MetricGroup group() {
        return group;
    }

    /**
     * Counts a SCORED or FAILED result of this version.
     *
     * @param endToEndMillis emit time minus the record's event time; negative: no event time (or one in the future),
     *     not recorded
     */
    void record(ServingResult result, long endToEndMillis) {
        switch (result.getStatus()) {
            case SCORED -> scored.inc();
            case FAILED -> failed.inc();
            default -> {
                return;
            }
        }
        if (result.getLatencyNanos() > 0) {
            scoringLatency.update(result.getLatencyNanos());
        }
        if (endToEndMillis >= 0) {
            endToEndLatency.update(endToEndMillis);
        }
    }

    /**
     * The version was (re-)activated after a load of {@code millis} ms: the {@code loadMillis} gauge shows it from
     * now on (a version restored from state, without a new ACTIVATED event, has no such gauge).
     */
    void loaded(long millis) {
        loadMillis = millis;
        if (!loadGaugeRegistered) {
            group.gauge("loadMillis", (Gauge<Long>) () -> loadMillis);
            loadGaugeRegistered = true;
        }
    }

    /** Unregisters the group's metrics (and those others registered under it) from the metric system. */
    @Override
    public void close() {
        if (group instanceof AbstractMetricGroup<?> registered) {
            registered.close();
        }
    }
}
