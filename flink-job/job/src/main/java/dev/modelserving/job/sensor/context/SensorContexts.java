package dev.modelserving.job.sensor.context;

import dev.modelserving.flink.parse.DeadLetters;
import dev.modelserving.flink.parse.ParseLimits;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.job.ServingIo;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.MachineProperties;
import dev.modelserving.proto.RpmMonitoringConfig;
import java.util.Optional;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The sensor system's contexts as the job holds them: the two compacted context topics ({@code machine_properties},
 * {@code rpm_monitoring_config}) parsed into one stream of {@link ContextUpdate}s, broadcast to every node that uses
 * them and kept there in Flink broadcast state (so they survive restarts with the node's checkpoints, and change
 * live when a new value is published).
 *
 * <p>Use: {@code Contexts contexts = SensorContexts.read(io, env, limits)}, then
 * {@code keyed.connect(SensorContexts.broadcast(contexts.updates()))}; in the function's broadcast side apply
 * updates with an {@link Updater}, in its element side read {@link #machine} and {@link #rpmSettings}.
 *
 * <p>Event time: context updates carry no event time a window could use, and a rarely written topic must not hold
 * back the watermark of the readings it is connected with. The update stream is therefore marked idle and never
 * emits a watermark ({@link #read}): a connected node's event time is that of its other input alone. (Emitting the
 * largest watermark instead would be wrong: while the readings are idle, the node's watermark would jump to it and
 * close every window at once.)
 */
public final class SensorContexts {

    /** Key of the single {@code rpm_monitoring_config} value (on its topic and in broadcast state). */
    public static final String DEFAULT_KEY = "default";

    /** Most machines a node keeps properties of; properties of further machines are refused (metric, log). */
    public static final int MAX_MACHINES = 100_000;

    /** Broadcast state of the {@code machine_properties} context: properties by machine id. */
    public static final MapStateDescriptor<String, MachineProperties> MACHINES =
            new MapStateDescriptor<>("machine-properties", Types.STRING, ProtoTypeInfo.of(MachineProperties.class));

    /** Broadcast state of the {@code rpm_monitoring_config} context: one value under {@link #DEFAULT_KEY}. */
    public static final MapStateDescriptor<String, RpmMonitoringConfig> RPM_CONFIG = new MapStateDescriptor<>(
            "rpm-monitoring-config", Types.STRING, ProtoTypeInfo.of(RpmMonitoringConfig.class));

    private SensorContexts() {}

    /**
     * The parsed context updates and the dead letters of the context topics.
     *
     * @param updates every valid context change, an idle stream without watermarks (never holds back event time)
     * @param deadLetters context messages that could not be used, with the reason
     */
    public record Contexts(DataStream<ContextUpdate> updates, DataStream<DeadLetter> deadLetters) {}

    /** What {@link Updater#apply} did with an update. */
    public enum Applied {
        /** A machine's properties were set (new or replaced). */
        MACHINE_SET,
        /** A machine was removed (or was not known). */
        MACHINE_REMOVED,
        /** The rpm monitoring configuration was set. */
        RPM_CONFIG_SET,
        /** A new machine was refused: {@link #MAX_MACHINES} are known already. */
        MACHINE_REFUSED_FULL,
        /** The update set no context (an empty {@link ContextUpdate}). */
        NOTHING
    }

    /**
     * Reads both context topics from {@code io}, parses them (operators {@code parse-machine-properties} and
     * {@code parse-rpm-monitoring-config}) and unions the updates (operator {@code context-watermarks}).
     */
    public static Contexts read(ServingIo io, StreamExecutionEnvironment env, ParseLimits limits) {
        SingleOutputStreamOperator<ContextUpdate> machines = io.machineProperties(env)
                .process(new MachinePropertiesParser(limits))
                .uid("parse-machine-properties")
                .name("Parse machine properties");
        SingleOutputStreamOperator<ContextUpdate> rpmConfigs = io.rpmMonitoringConfig(env)
                .process(new RpmMonitoringConfigParser(limits))
                .uid("parse-rpm-monitoring-config")
                .name("Parse rpm monitoring config");
        DataStream<ContextUpdate> updates = machines.union(rpmConfigs)
                .assignTimestampsAndWatermarks(
                        WatermarkStrategy.<ContextUpdate>forGenerator(context -> new AlwaysIdle()))
                .uid("context-watermarks")
                .name("Contexts never hold back event time");
        return new Contexts(
                updates, machines.getSideOutput(DeadLetters.TAG).union(rpmConfigs.getSideOutput(DeadLetters.TAG)));
    }

    /** The updates broadcast with both context states, ready to {@code connect} a node to. */
    public static BroadcastStream<ContextUpdate> broadcast(DataStream<ContextUpdate> updates) {
        return updates.broadcast(MACHINES, RPM_CONFIG);
    }

    /**
     * Applies context updates to a node's broadcast states and keeps the number of known machines (counted once from
     * the restored state, then kept), so that {@link #MAX_MACHINES} is enforced without scanning the state per
     * update. A node holds one in a transient field, created in {@code open()}. Every instance of the node applies
     * the same updates in the same order, so all hold the same contexts.
     */
    public static final class Updater {

        private int knownMachines = -1;

        /**
         * Applies one update (call it from {@code processBroadcastElement} with
         * {@code ctx.getBroadcastState(MACHINES)} and {@code ctx.getBroadcastState(RPM_CONFIG)}).
         */
        public Applied apply(
                ContextUpdate update,
                BroadcastState<String, MachineProperties> machines,
                BroadcastState<String, RpmMonitoringConfig> rpmConfig)
                throws Exception {
            if (knownMachines < 0) {
                knownMachines = count(machines);
            }
            switch (update.getContextCase()) {
                case MACHINE_PROPERTIES -> {
                    MachineProperties machine = update.getMachineProperties();
                    if (!machines.contains(machine.getMachineId())) {
                        if (knownMachines >= MAX_MACHINES) {
                            return Applied.MACHINE_REFUSED_FULL;
                        }
                        knownMachines++;
                    }
                    machines.put(machine.getMachineId(), machine);
                    return Applied.MACHINE_SET;
                }
                case REMOVED_MACHINE_ID -> {
                    if (machines.contains(update.getRemovedMachineId())) {
                        machines.remove(update.getRemovedMachineId());
                        knownMachines--;
                    }
                    return Applied.MACHINE_REMOVED;
                }
                case RPM_MONITORING_CONFIG -> {
                    rpmConfig.put(DEFAULT_KEY, update.getRpmMonitoringConfig());
                    return Applied.RPM_CONFIG_SET;
                }
                default -> {
                    return Applied.NOTHING;
                }
            }
        }
    }

    /** The properties of {@code machineId}, when known. */
    public static Optional<MachineProperties> machine(
            ReadOnlyBroadcastState<String, MachineProperties> machines, String machineId) throws Exception {
        return Optional.ofNullable(machines.get(machineId));
    }

    /** The effective rpm monitoring settings: the published configuration with defaults, or the defaults. */
    public static RpmMonitoringSettings rpmSettings(ReadOnlyBroadcastState<String, RpmMonitoringConfig> rpmConfig)
            throws Exception {
        RpmMonitoringConfig config = rpmConfig.get(DEFAULT_KEY);
        return config == null ? RpmMonitoringSettings.DEFAULTS : RpmMonitoringSettings.of(config);
    }

    private static int count(BroadcastState<String, MachineProperties> machines) throws Exception {
        int count = 0;
        for (var ignored : machines.immutableEntries()) {
            count++;
        }
        return count;
    }

    /** Emits no watermark and keeps the stream idle: the context stream never holds back a connected node's time. */
    private static final class AlwaysIdle implements WatermarkGenerator<ContextUpdate> {

        @Override
        public void onEvent(ContextUpdate event, long eventTimestamp, WatermarkOutput output) {
            output.markIdle();
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.markIdle();
        }
    }
}
