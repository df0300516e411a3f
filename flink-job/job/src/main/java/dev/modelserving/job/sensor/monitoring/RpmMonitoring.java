package dev.modelserving.job.sensor.monitoring;

import dev.modelserving.job.sensor.context.FanCurve;
import dev.modelserving.job.sensor.context.RpmMonitoringSettings;
import dev.modelserving.job.sensor.context.SensorContexts;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.MachineProperties;
import dev.modelserving.proto.SensorReading;
import dev.modelserving.proto.SystemAlert;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The rpm monitoring node: per machine (keyed by machine id), counts in tumbling event-time windows the readings
 * whose fan speed is off the machine's fan curve, and raises a {@link SystemAlert.Kind#RPM_DEVIATION} alert when a
 * window holds more of them than the {@code rpm_monitoring_config} allows.
 *
 * <p>A reading deviates when {@code |rpm - curve(temperature)| / rpm > acceptable_deviation_ratio} (exactly at the
 * ratio does not; a fan at 0 rpm always does: {@link RpmMonitoringSettings#deviates}). Windows are aligned to the
 * Unix epoch and {@code window_millis} long; a window closes when the watermark passes its end, and then alerts if
 * its deviating count is above {@code acceptable_deviations_per_window}.
 *
 * <p>When contexts change: a reading is judged when it is processed, with the machine's properties and the ratio
 * known then; the window length applies to windows opened after the change (an open window keeps its bounds, a
 * reading joins the open window that contains it); the allowed count is read when the window closes, so it applies
 * to every window that closes after the change. A reading of a machine without properties is not judged (metric
 * {@value #WITHOUT_MACHINE_METRIC}): no alert without a curve. Readings with a non-finite temperature or rpm are
 * skipped (metric {@value #UNUSABLE_METRIC}).
 *
 * <p>Late readings: a reading whose window has already closed (its end is at or behind the watermark) is dropped and
 * counted ({@value #LATE_METRIC}); it is not dead-lettered here (the feature node, which sees the same readings,
 * does that). Each window closes once and its state is then removed, so a window alerts at most once (deduplicated
 * per machine, kind and window); window counts, timers and contexts are Flink state and survive restarts.
 */
public final class RpmMonitoring
        extends KeyedBroadcastProcessFunction<String, SensorReading, ContextUpdate, SystemAlert> {

    private static final long serialVersionUID = 1L;

    /** Operator metric: readings judged against a fan curve. */
    public static final String CHECKED_METRIC = "rpmReadingsChecked";
    /** Operator metric: readings that deviated. */
    public static final String DEVIATING_METRIC = "rpmReadingsDeviating";
    /** Operator metric: readings of machines without properties (not judged). */
    public static final String WITHOUT_MACHINE_METRIC = "rpmReadingsWithoutMachine";
    /** Operator metric: readings whose window had closed already (dropped). */
    public static final String LATE_METRIC = "rpmReadingsLate";
    /**
     * Operator metric: readings skipped because their temperature or rpm is not finite, their timestamp is out of
     * range, or the machine has {@value #MAX_OPEN_WINDOWS} windows open already.
     */
    public static final String UNUSABLE_METRIC = "rpmReadingsUnusable";
    /** Operator metric: RPM_DEVIATION alerts raised. */
    public static final String ALERTS_METRIC = "rpmAlerts";
    /** Operator metric: machine properties refused because {@link SensorContexts#MAX_MACHINES} are known. */
    public static final String MACHINES_REFUSED_METRIC = MonitoringContexts.MACHINES_REFUSED_METRIC;

    /** Most open windows per machine (a window length change can leave a few open at once). */
    public static final int MAX_OPEN_WINDOWS = 16;

    /** Open windows of the machine: (start, end) to (readings counted, deviating readings). */
    static final MapStateDescriptor<Tuple2<Long, Long>, Tuple2<Long, Long>> WINDOWS = new MapStateDescriptor<>(
            "rpm-windows", Types.TUPLE(Types.LONG, Types.LONG), Types.TUPLE(Types.LONG, Types.LONG));

    private transient MapState<Tuple2<Long, Long>, Tuple2<Long, Long>> windows;
    private transient MonitoringContexts contexts;
    private transient Counter checked;
    private transient Counter deviating;
    private transient Counter late;
    private transient Counter unusable;
    private transient Counter alerts;

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        windows = getRuntimeContext().getMapState(WINDOWS);
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        contexts = new MonitoringContexts(metrics, WITHOUT_MACHINE_METRIC, RpmMonitoring.class);
        checked = metrics.counter(CHECKED_METRIC);
        deviating = metrics.counter(DEVIATING_METRIC);
        late = metrics.counter(LATE_METRIC);
        unusable = metrics.counter(UNUSABLE_METRIC);
        alerts = metrics.counter(ALERTS_METRIC);
    }

    @Override
    public void processElement(SensorReading reading, ReadOnlyContext ctx, Collector<SystemAlert> out)
            throws Exception {
        long time = reading.getTimestampMillis();
        if (!Double.isFinite(reading.getTemperatureC())
                || !Double.isFinite(reading.getFanRpm())
                || !MonitoringContexts.windowable(time)) {
            unusable.inc();
            return;
        }
        Optional<MachineProperties> machine = contexts.machine(ctx, reading.getMachineId());
        if (machine.isEmpty()) {
            return;
        }
        RpmMonitoringSettings settings = MonitoringContexts.settings(ctx);
        Tuple2<Long, Long> window = openWindowContaining(time);
        if (window == null) {
            long start = settings.windowStart(time);
            window = Tuple2.of(start, start + settings.windowMillis());
        }
        long watermark = ctx.timerService().currentWatermark();
        if (MonitoringContexts.closedAt(window.f1, watermark)) {
            late.inc();
            return;
        }
        Tuple2<Long, Long> counts = windows.get(window);
        if (counts == null) {
            if (openWindows() >= MAX_OPEN_WINDOWS) {
                unusable.inc();
                return;
            }
            counts = Tuple2.of(0L, 0L);
            ctx.timerService().registerEventTimeTimer(window.f1 - 1);
        }
        double expected = FanCurve.of(machine.get()).expectedRpm(reading.getTemperatureC());
        boolean deviates = settings.deviates(reading.getFanRpm(), expected);
        checked.inc();
        if (deviates) {
            deviating.inc();
        }
        windows.put(window, Tuple2.of(counts.f0 + 1, counts.f1 + (deviates ? 1 : 0)));
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SystemAlert> out) throws Exception {
        RpmMonitoringSettings settings = MonitoringContexts.settings(ctx);
        List<Map.Entry<Tuple2<Long, Long>, Tuple2<Long, Long>>> closing = new ArrayList<>();
        for (Map.Entry<Tuple2<Long, Long>, Tuple2<Long, Long>> entry : windows.entries()) {
            if (MonitoringContexts.closedAt(entry.getKey().f1, timestamp)) {
                closing.add(Map.entry(entry.getKey(), entry.getValue()));
            }
        }
        closing.sort(Map.Entry.comparingByKey((a, b) -> Long.compare(a.f0, b.f0)));
        for (Map.Entry<Tuple2<Long, Long>, Tuple2<Long, Long>> entry : closing) {
            windows.remove(entry.getKey());
            long count = entry.getValue().f1;
            if (count > settings.allowedDeviations()) {
                alerts.inc();
                out.collect(alert(ctx.getCurrentKey(), entry.getKey(), entry.getValue(), settings, timestamp));
            }
        }
    }

    @Override
    public void processBroadcastElement(ContextUpdate update, Context ctx, Collector<SystemAlert> out)
            throws Exception {
        contexts.apply(update, ctx);
    }

    private static SystemAlert alert(
            String machineId,
            Tuple2<Long, Long> window,
            Tuple2<Long, Long> counts,
            RpmMonitoringSettings settings,
            long closedAt) {
        return SystemAlert.newBuilder()
                .setMachineId(machineId)
                .setKind(SystemAlert.Kind.RPM_DEVIATION)
                .setWindowStartMillis(window.f0)
                .setWindowEndMillis(window.f1)
                .setCount(counts.f1)
                .setThreshold(settings.allowedDeviations())
                .setReason(String.format(
                        Locale.ROOT,
                        "%d of %d readings of machine '%s' in [%d, %d) had a fan speed off its fan curve"
                                + " (|rpm - curve(temperature)| / rpm > %s); at most %d allowed per window",
                        counts.f1,
                        counts.f0,
                        machineId,
                        window.f0,
                        window.f1,
                        settings.deviationRatio(),
                        settings.allowedDeviations()))
                .setRaisedAtMillis(closedAt + 1)
                .build();
    }

    private Tuple2<Long, Long> openWindowContaining(long time) throws Exception {
        for (Tuple2<Long, Long> window : windows.keys()) {
            if (MonitoringContexts.contains(window.f0, window.f1, time)) {
                return window;
            }
        }
        return null;
    }

    private int openWindows() throws Exception {
        int count = 0;
        for (var ignored : windows.keys()) {
            count++;
        }
        return count;
    }
}
