package dev.modelserving.job.sensor.monitoring;

import dev.modelserving.job.sensor.context.RpmMonitoringSettings;
import dev.modelserving.job.sensor.context.SensorContexts;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.MachineProperties;
import dev.modelserving.proto.PredictedTemperature;
import dev.modelserving.proto.SystemAlert;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The over-temperature node: per machine (keyed by machine id), raises a {@link SystemAlert.Kind#OVER_TEMPERATURE}
 * alert when a model predicts a temperature above the machine's alert temperature (from the
 * {@code machine_properties} context; exactly at it does not alert).
 *
 * <p>The alert is raised at once, at the first such prediction of a window (windows as the rpm monitoring's: aligned
 * to the Unix epoch, {@code window_millis} of the {@code rpm_monitoring_config} long), with count 1 and the alert
 * temperature as threshold; further predictions above it in the same window are not alerted again (deduplicated per
 * machine and window, in state; metric {@value #SUPPRESSED_METRIC}). The node keeps the last
 * {@value #MAX_ALERTED_WINDOWS} alerted windows per machine. Predictions of machines without properties are not
 * judged (metric {@value #WITHOUT_MACHINE_METRIC}); a non-finite prediction is skipped ({@value #UNUSABLE_METRIC}).
 * It needs no watermark: predictions are judged when they arrive.
 */
public final class OverTemperatureMonitoring
        extends KeyedBroadcastProcessFunction<String, PredictedTemperature, ContextUpdate, SystemAlert> {

    private static final long serialVersionUID = 1L;

    /** Operator metric: predictions above the machine's alert temperature. */
    public static final String OVER_METRIC = "predictionsOverTemperature";
    /** Operator metric: such predictions not alerted because their window alerted already. */
    public static final String SUPPRESSED_METRIC = "overTemperatureSuppressed";
    /** Operator metric: predictions of machines without properties. */
    public static final String WITHOUT_MACHINE_METRIC = "predictionsWithoutMachine";
    /** Operator metric: predictions with a non-finite temperature or an out-of-range timestamp. */
    public static final String UNUSABLE_METRIC = "predictionsUnusable";
    /** Operator metric: OVER_TEMPERATURE alerts raised. */
    public static final String ALERTS_METRIC = "overTemperatureAlerts";
    /** Operator metric: machine properties refused because {@link SensorContexts#MAX_MACHINES} are known. */
    public static final String MACHINES_REFUSED_METRIC = MonitoringContexts.MACHINES_REFUSED_METRIC;

    /** Alerted windows kept per machine (the oldest is forgotten first). */
    public static final int MAX_ALERTED_WINDOWS = 16;

    /** Alerted windows of the machine: start to end. */
    static final MapStateDescriptor<Long, Long> ALERTED =
            new MapStateDescriptor<>("over-temperature-alerted-windows", Types.LONG, Types.LONG);

    private transient MapState<Long, Long> alerted;
    private transient MonitoringContexts contexts;
    private transient Counter over;
    private transient Counter suppressed;
    private transient Counter unusable;
    private transient Counter alerts;

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        alerted = getRuntimeContext().getMapState(ALERTED);
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        contexts = new MonitoringContexts(metrics, WITHOUT_MACHINE_METRIC, OverTemperatureMonitoring.class);
        over = metrics.counter(OVER_METRIC);
        suppressed = metrics.counter(SUPPRESSED_METRIC);
        unusable = metrics.counter(UNUSABLE_METRIC);
        alerts = metrics.counter(ALERTS_METRIC);
    }

    @Override
    public void processElement(PredictedTemperature prediction, ReadOnlyContext ctx, Collector<SystemAlert> out)
            throws Exception {
        long time = prediction.getTimestampMillis();
        if (!Double.isFinite(prediction.getPredictedTemperatureC()) || !MonitoringContexts.windowable(time)) {
            unusable.inc();
            return;
        }
        Optional<MachineProperties> machine = contexts.machine(ctx, prediction.getMachineId());
        if (machine.isEmpty()) {
            return;
        }
        double limit = machine.get().getAlertTemperatureC();
        if (!(prediction.getPredictedTemperatureC() > limit)) {
            return;
        }
        over.inc();
        for (Map.Entry<Long, Long> window : alerted.entries()) {
            if (MonitoringContexts.contains(window.getKey(), window.getValue(), time)) {
                suppressed.inc();
                return;
            }
        }
        RpmMonitoringSettings settings = MonitoringContexts.settings(ctx);
        long start = settings.windowStart(time);
        long end = start + settings.windowMillis();
        remember(start, end);
        alerts.inc();
        out.collect(SystemAlert.newBuilder()
                .setMachineId(prediction.getMachineId())
                .setKind(SystemAlert.Kind.OVER_TEMPERATURE)
                .setWindowStartMillis(start)
                .setWindowEndMillis(end)
                .setCount(1)
                .setThreshold(limit)
                .setReason(String.format(
                        Locale.ROOT,
                        "model %s v%d predicts %.2f C for machine '%s' at %d, above its alert temperature %.2f C",
                        prediction.getModelName(),
                        prediction.getModelVersion(),
                        prediction.getPredictedTemperatureC(),
                        prediction.getMachineId(),
                        time,
                        limit))
                .setRaisedAtMillis(time)
                .build());
    }

    @Override
    public void processBroadcastElement(ContextUpdate update, Context ctx, Collector<SystemAlert> out)
            throws Exception {
        contexts.apply(update, ctx);
    }

    /** Records an alerted window, forgetting the oldest when {@value #MAX_ALERTED_WINDOWS} are kept. */
    private void remember(long start, long end) throws Exception {
        int count = 0;
        long oldest = Long.MAX_VALUE;
        for (Long kept : alerted.keys()) {
            count++;
            oldest = Math.min(oldest, kept);
        }
        if (count >= MAX_ALERTED_WINDOWS) {
            alerted.remove(oldest);
        }
        alerted.put(start, end);
    }
}
