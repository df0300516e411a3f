package dev.modelserving.job.sensor.monitoring;

import dev.modelserving.job.sensor.context.RpmMonitoringSettings;
import dev.modelserving.job.sensor.context.SensorContexts;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.MachineProperties;
import java.util.Optional;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.BaseBroadcastProcessFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the monitoring nodes ({@link RpmMonitoring}, {@link OverTemperatureMonitoring}) share: the sensor contexts of
 * their broadcast input (machine properties, rpm monitoring config), applied with a metric and a log line for the
 * properties of a machine refused because {@link SensorContexts#MAX_MACHINES} are known, and read when an event is
 * judged (an event of a machine without properties is not judged, and counted); and the checks of event times
 * against the epoch-aligned windows both keep.
 *
 * <p>A node creates one in {@code open()} and holds it in a transient field: the contexts themselves are Flink
 * broadcast state, this only counts the known machines ({@link SensorContexts.Updater}) and reports refusals.
 */
final class MonitoringContexts {

    /** Operator metric of each monitoring node: machine properties refused because the maximum is known. */
    static final String MACHINES_REFUSED_METRIC = "machinesRefused";

    private final Logger log;
    private final SensorContexts.Updater updater = new SensorContexts.Updater();
    private final Counter machinesRefused;
    private final Counter withoutMachine;

    /**
     * @param metrics the node's operator metrics, where {@value #MACHINES_REFUSED_METRIC} and the next are registered
     * @param withoutMachineMetric the node's metric of events of machines without properties
     * @param node the node, whose logger reports a refused machine
     */
    MonitoringContexts(MetricGroup metrics, String withoutMachineMetric, Class<?> node) {
        this.log = LoggerFactory.getLogger(node);
        this.machinesRefused = metrics.counter(MACHINES_REFUSED_METRIC);
        this.withoutMachine = metrics.counter(withoutMachineMetric);
    }

    /**
     * Applies a context update to the node's broadcast states (from {@code processBroadcastElement}); properties of a
     * new machine beyond {@link SensorContexts#MAX_MACHINES} are refused, counted and logged.
     */
    void apply(ContextUpdate update, BaseBroadcastProcessFunction.Context ctx) throws Exception {
        SensorContexts.Applied applied = updater.apply(
                update,
                ctx.getBroadcastState(SensorContexts.MACHINES),
                ctx.getBroadcastState(SensorContexts.RPM_CONFIG));
        if (applied == SensorContexts.Applied.MACHINE_REFUSED_FULL) {
            machinesRefused.inc();
            log.warn(
                    "Properties of machine '{}' refused: {} machines are known already",
                    update.getMachineProperties().getMachineId(),
                    SensorContexts.MAX_MACHINES);
        }
    }

    /** The properties of {@code machineId}, when known; empty (and counted) when its event cannot be judged. */
    Optional<MachineProperties> machine(BaseBroadcastProcessFunction.ReadOnlyContext ctx, String machineId)
            throws Exception {
        Optional<MachineProperties> machine =
                SensorContexts.machine(ctx.getBroadcastState(SensorContexts.MACHINES), machineId);
        if (machine.isEmpty()) {
            withoutMachine.inc();
        }
        return machine;
    }

    /** The rpm monitoring settings in effect (the published configuration with defaults, or the defaults). */
    static RpmMonitoringSettings settings(BaseBroadcastProcessFunction.ReadOnlyContext ctx) throws Exception {
        return SensorContexts.rpmSettings(ctx.getBroadcastState(SensorContexts.RPM_CONFIG));
    }

    /**
     * Whether an event at {@code time} can be placed in a window: the bounds of a window of any allowed length
     * ({@link RpmMonitoringSettings#MAX_WINDOW_MILLIS}) around it fit in a long.
     */
    static boolean windowable(long time) {
        return time <= Long.MAX_VALUE - RpmMonitoringSettings.MAX_WINDOW_MILLIS
                && time >= Long.MIN_VALUE + RpmMonitoringSettings.MAX_WINDOW_MILLIS;
    }

    /** Whether {@code time} lies in the window {@code [start, end)}. */
    static boolean contains(long start, long end, long time) {
        return start <= time && time < end;
    }

    /** Whether the window ending (exclusive) at {@code end} is closed at event time {@code time} (a watermark). */
    static boolean closedAt(long end, long time) {
        return end - 1 <= time;
    }
}
