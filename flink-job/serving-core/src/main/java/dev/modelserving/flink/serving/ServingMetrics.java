package dev.modelserving.flink.serving;

import dev.modelserving.model.archive.UnpackedBytesBudget;
import dev.modelserving.model.serving.ModelCache;
import dev.modelserving.model.serving.ModelLoads;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ServingResult;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
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
 *
 * <p>Per model version ({@link ModelVersionMetrics}, group {@code modelServing.data_type.<d>.model.<m>.version.<v>},
 * whose variables reporters turn into labels): results by status, scoring and end-to-end latency, load time. Per
 * data type ({@code modelServing.data_type.<d>}): {@code resultsNoModel}. The groups are created lazily from the
 * results and events; a version's group is closed when it is superseded or removed, so the number of series is
 * bounded by the live models. The README's metrics table lists every name; a test keeps the two in step.
 */
public final class ServingMetrics {

    /** The group under the operator's metric group that holds every serving metric. */
    public static final String GROUP = "modelServing";
    /** Key of the data type group (its value: the data type). */
    public static final String DATA_TYPE = "data_type";
    /** Data types beyond the bound of per data type groups are counted under this value. */
    public static final String OTHER_DATA_TYPES = "(other)";
    /** How many retired versions are remembered, so their late results do not re-create their groups. */
    static final int RETIRED_REMEMBERED = 64;

    private final Map<dev.modelserving.proto.ServingStatus, Counter> results =
            new EnumMap<>(dev.modelserving.proto.ServingStatus.class);
    private final Map<dev.modelserving.proto.ModelEventType, Counter> events =
            new EnumMap<>(dev.modelserving.proto.ModelEventType.class);
    private final Histogram latency;
    private final Histogram restoreWaits;
    private final Counter dataTypesRefused;
    private final MetricGroup group;
    private final int maxDataTypeGroups;
    private final Map<String, Counter> noModelByDataType = new HashMap<>();
    private final Map<ModelVersionMetrics.Key, ModelVersionMetrics> versions = new HashMap<>();
    /** Versions that stopped serving, newest last: their late results count only in the aggregates. */
    private final Map<ModelVersionMetrics.Key, Boolean> retired = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ModelVersionMetrics.Key, Boolean> eldest) {
            return size() > RETIRED_REMEMBERED;
        }
    };

    private final LongSupplier clockMillis;

    /**
     * @param maxDataTypeGroups at most this many data types get their own {@code resultsNoModel} group (a record's
     *     data type is hostile input); the rest are counted under {@link #OTHER_DATA_TYPES}
     * @param clockMillis the wall clock the end-to-end latency is measured with
     */
    public ServingMetrics(
            MetricGroup operatorGroup,
            IntSupplier loadingModels,
            IntSupplier dataTypes,
            ModelCache cache,
            ModelLoads loads,
            UnpackedBytesBudget unpacked,
            int maxDataTypeGroups,
            LongSupplier clockMillis) {
        this.maxDataTypeGroups = maxDataTypeGroups;
        this.clockMillis = clockMillis;
        MetricGroup group = operatorGroup.addGroup(GROUP);
        this.group = group;
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

    /** Counts a result in the aggregates and in its model version's (or, NO_MODEL, its data type's) group. */
    public void record(ServingResult result) {
        Counter counter = results.get(result.getStatus());
        if (counter != null) {
            counter.inc();
        }
        if (result.getLatencyNanos() > 0) {
            latency.update(result.getLatencyNanos());
        }
        if (result.getStatus() == dev.modelserving.proto.ServingStatus.NO_MODEL) {
            noModel(result.getDataType()).inc();
            return;
        }
        if (result.getModelName().isEmpty()) {
            return; // FAILED before any model was known (e.g. a model still being rebuilt): aggregates only
        }
        ModelVersionMetrics.Key key =
                new ModelVersionMetrics.Key(result.getDataType(), result.getModelName(), result.getModelVersion());
        if (retired.containsKey(key)) {
            return;
        }
        long endToEnd = result.getEventTimeMillis() > 0 ? clockMillis.getAsLong() - result.getEventTimeMillis() : -1;
        version(key).record(result, endToEnd);
    }

    /**
     * Counts a model event; ACTIVATED / ROLLED_BACK open the version's group and set its {@code loadMillis},
     * SUPERSEDED / REMOVED close it.
     */
    public void record(ModelEvent event) {
        Counter counter = events.get(event.getType());
        if (counter != null) {
            counter.inc();
        }
        ModelVersionMetrics.Key key =
                new ModelVersionMetrics.Key(event.getDataType(), event.getModelName(), event.getModelVersion());
        switch (event.getType()) {
            case ACTIVATED, ROLLED_BACK -> {
                retired.remove(key);
                version(key).loaded(event.getLoadMillis());
            }
            case SUPERSEDED, REMOVED -> {
                ModelVersionMetrics closed = versions.remove(key);
                if (closed != null) {
                    closed.close();
                }
                retired.put(key, Boolean.TRUE);
            }
            default -> {
                // REJECTED: a version that never served has no group.
            }
        }
    }

    /**
     * The metric group of a serving model version ({@code modelServing.data_type.<d>.model.<m>.version.<v>}),
     * created if needed: other per-version metrics (e.g. drift per feature) register under it and are closed with
     * it. Operator thread only.
     */
    public MetricGroup versionGroup(String dataType, String modelName, long version) {
        return version(new ModelVersionMetrics.Key(dataType, modelName, version))
                .group();
    }

    /** The version groups open now (tests, and a bound check). */
    int openVersionGroups() {
        return versions.size();
    }

    /** Closes every per-model group (the operator closes). */
    public void close() {
        versions.values().forEach(ModelVersionMetrics::close);
        versions.clear();
    }

    private ModelVersionMetrics version(ModelVersionMetrics.Key key) {
        return versions.computeIfAbsent(key, k -> new ModelVersionMetrics(dataTypeGroup(k.dataType()), k));
    }

    private Counter noModel(String dataType) {
        Counter counter = noModelByDataType.get(dataType);
        if (counter == null) {
            String value = noModelByDataType.size() < maxDataTypeGroups ? dataType : OTHER_DATA_TYPES;
            counter = noModelByDataType.computeIfAbsent(
                    value, v -> dataTypeGroup(v).counter("resultsNoModel"));
            if (value.equals(dataType)) {
                noModelByDataType.put(dataType, counter);
            }
        }
        return counter;
    }

    private MetricGroup dataTypeGroup(String dataType) {
        return group.addGroup(DATA_TYPE, dataType);
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
