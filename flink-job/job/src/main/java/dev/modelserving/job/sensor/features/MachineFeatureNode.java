package dev.modelserving.job.sensor.features;

import dev.modelserving.flink.parse.DeadLetters;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.model.sensor.RunningWhitening;
import dev.modelserving.model.sensor.SensorWindowFeatures;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.FeatureWhiteningState;
import dev.modelserving.proto.SensorReading;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sensor system's feature node, keyed by machine id: turns one machine's readings into the
 * {@link MachineFeatureRecords feature records} the models score, in event time.
 *
 * <p>A reading waits in state until the watermark passes its timestamp (an event-time timer), so readings out of
 * order within the watermark's bound are released in timestamp order. Released, it joins the machine's window (the
 * readings of the last {@link SensorWindowFeatures#WINDOW_MILLIS} ms, in state), and
 * {@link MachineFeatureRecords#next} computes the window features, whitens them with the machine's running
 * statistics (in state, {@link FeatureWhiteningState}) and returns the record, emitted with the reading's timestamp.
 * A window with fewer than {@value SensorWindowFeatures#MIN_READINGS} readings or a non-finite value emits nothing
 * (metric {@value #WINDOWS_DROPPED_METRIC}), and neither does a machine's whitening warm-up (metric
 * {@value #WARM_UP_METRIC}).
 *
 * <p>Late policy: a reading at or behind the current watermark cannot join a window that was already computed, so
 * it is counted ({@value #LATE_METRIC}) and goes to the dead letters ({@link DeadLetters#TAG} side output) with the
 * reason, its bytes and the records topic; as the reading's Kafka partition and offset are no longer known here,
 * they are -1. A second reading of a machine with a timestamp already waiting is a duplicate (same record id) and is
 * dead-lettered the same way ({@value #DUPLICATES_METRIC}). Nothing thrown by a reading escapes.
 */
public final class MachineFeatureNode extends KeyedProcessFunction<String, SensorReading, DataRecord>
        implements ResultTypeQueryable<DataRecord> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MachineFeatureNode.class);

    /** Operator metric: feature records emitted. */
    public static final String RECORDS_METRIC = "featureRecords";
    /** Operator metric: late readings dead-lettered. */
    public static final String LATE_METRIC = "lateReadings";
    /** Operator metric: readings with a timestamp already waiting, dead-lettered. */
    public static final String DUPLICATES_METRIC = "duplicateReadings";
    /** Operator metric: released readings whose window had no features (too few readings or a non-finite value). */
    public static final String WINDOWS_DROPPED_METRIC = "windowsDropped";
    /** Operator metric: readings refused because their machine's window already held {@link #MAX_WINDOW_READINGS}. */
    public static final String WINDOW_FULL_METRIC = "windowFullReadings";
    /**
     * Most readings one machine's window keeps (6 per second over the 10 minutes). A machine sending faster, or a
     * producer sending many distinct timestamps, cannot grow the state, nor the work per reading, beyond it.
     */
    public static final int MAX_WINDOW_READINGS = 3_600;
    /** Operator metric: feature vectors spent on a machine's whitening warm-up. */
    public static final String WARM_UP_METRIC = "whiteningWarmUp";
    /** Operator metric: machines whose whitening state could not be restored and started over. */
    public static final String WHITENING_RESETS_METRIC = "whiteningResets";

    private final int warmUp;
    private final String recordsTopic;

    private transient MapState<Long, SensorReading> pending;
    private transient ListState<SensorReading> window;
    private transient ValueState<FeatureWhiteningState> whitening;
    private transient Counter records;
    private transient Counter late;
    private transient Counter duplicates;
    private transient Counter windowsDropped;
    private transient Counter windowFull;
    private transient Counter warmingUp;
    private transient Counter whiteningResets;

    /**
     * @param warmUp feature vectors per machine before whitened records are emitted (at least 2)
     * @param recordsTopic the topic the readings come from, named in dead letters
     */
    public MachineFeatureNode(int warmUp, String recordsTopic) {
        if (warmUp < 2) {
            throw new IllegalArgumentException("whitening warm-up must be at least 2, got " + warmUp);
        }
        this.warmUp = warmUp;
        this.recordsTopic = recordsTopic;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        pending = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "pending-readings", Types.LONG, ProtoTypeInfo.of(SensorReading.class)));
        window = getRuntimeContext()
                .getListState(new ListStateDescriptor<>("window", ProtoTypeInfo.of(SensorReading.class)));
        whitening = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("whitening", ProtoTypeInfo.of(FeatureWhiteningState.class)));
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        records = metrics.counter(RECORDS_METRIC);
        late = metrics.counter(LATE_METRIC);
        duplicates = metrics.counter(DUPLICATES_METRIC);
        windowsDropped = metrics.counter(WINDOWS_DROPPED_METRIC);
        windowFull = metrics.counter(WINDOW_FULL_METRIC);
        warmingUp = metrics.counter(WARM_UP_METRIC);
        whiteningResets = metrics.counter(WHITENING_RESETS_METRIC);
    }

    @Override
    public TypeInformation<DataRecord> getProducedType() {
        return ProtoTypeInfo.of(DataRecord.class);
    }

    @Override
    public void processElement(SensorReading reading, Context ctx, Collector<DataRecord> out) throws Exception {
        long timestamp = reading.getTimestampMillis();
        long watermark = ctx.timerService().currentWatermark();
        if (timestamp <= watermark) {
            late.inc();
            refuse(
                    reading,
                    "late SensorReading of machine '" + reading.getMachineId() + "': timestamp " + timestamp
                            + " is at or behind the watermark " + watermark
                            + " (its window was computed already; raise --max-out-of-orderness-ms to wait longer)",
                    ctx);
            return;
        }
        if (pending.contains(timestamp)) {
            duplicates.inc();
            refuse(
                    reading,
                    "duplicate SensorReading of machine '" + reading.getMachineId() + "' at timestamp " + timestamp
                            + ": a reading with this timestamp (and record id) is already waiting",
                    ctx);
            return;
        }
        pending.put(timestamp, reading);
        ctx.timerService().registerEventTimeTimer(timestamp);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DataRecord> out) throws Exception {
        SensorReading reading = pending.get(timestamp);
        if (reading == null) {
            return;
        }
        pending.remove(timestamp);
        List<SensorReading> readings = new ArrayList<>();
        long oldestKept = timestamp - SensorWindowFeatures.WINDOW_MILLIS;
        for (SensorReading kept : window.get()) {
            if (kept.getTimestampMillis() > oldestKept) {
                readings.add(kept);
            }
        }
        if (readings.size() >= MAX_WINDOW_READINGS) {
            windowFull.inc();
            window.update(readings);
            refuse(
                    reading,
                    "SensorReading of machine '" + ctx.getCurrentKey() + "' at " + timestamp + " refused: its 10-minute"
                            + " window already holds " + MAX_WINDOW_READINGS + " readings",
                    ctx);
            return;
        }
        readings.add(reading);
        window.update(readings);

        RunningWhitening statistics = restoreWhitening(ctx.getCurrentKey());
        long before = statistics.count();
        Optional<DataRecord> record;
        try {
            record = MachineFeatureRecords.next(readings, statistics);
        } catch (IllegalArgumentException e) {
            // Cannot happen with readings released in timestamp order; reported, never thrown.
            refuse(reading, "no features for SensorReading of machine '" + ctx.getCurrentKey() + "': " + e, ctx);
            return;
        }
        if (statistics.count() == before) {
            windowsDropped.inc();
            return;
        }
        whitening.update(statistics.state());
        if (record.isEmpty()) {
            warmingUp.inc();
            return;
        }
        records.inc();
        out.collect(record.get());
    }

    private RunningWhitening restoreWhitening(String machineId) throws Exception {
        FeatureWhiteningState state = whitening.value();
        int dimensions = SensorWindowFeatures.FEATURE_NAMES.size();
        if (state == null) {
            return new RunningWhitening(dimensions, warmUp);
        }
        try {
            return RunningWhitening.restore(state, dimensions, warmUp);
        } catch (IllegalArgumentException e) {
            whiteningResets.inc();
            LOG.warn("Whitening state of machine '{}' cannot be used, starting it over: {}", machineId, e.getMessage());
            return new RunningWhitening(dimensions, warmUp);
        }
    }

    private void refuse(SensorReading reading, String reason, Context ctx) {
        DeadLetter letter = DeadLetters.of(
                reading.toByteArray(),
                recordsTopic,
                -1,
                -1L,
                reason,
                ctx.timerService().currentProcessingTime());
        ctx.output(DeadLetters.TAG, letter);
    }
}
