package dev.modelserving.job.sensor.monitoring;

import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.job.sensor.context.SensorContexts;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.PredictedTemperature;
import dev.modelserving.proto.SensorReading;
import dev.modelserving.proto.SystemAlert;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The sensor system's monitoring nodes in one place: {@link RpmMonitoring} on the readings (operator
 * {@value #RPM_UID}) and {@link OverTemperatureMonitoring} on the predicted temperatures (operator
 * {@value #OVER_TEMPERATURE_UID}, when there are predictions), both keyed by machine id and connected with the broadcast contexts; their alerts
 * form one {@code system_alerts} stream.
 */
public final class SystemMonitoring {

    /** Uid of the rpm monitoring operator. */
    public static final String RPM_UID = "rpm-monitoring";
    /** Uid of the over-temperature operator. */
    public static final String OVER_TEMPERATURE_UID = "over-temperature-monitoring";

    private SystemMonitoring() {}

    /**
     * Attaches the monitoring nodes.
     *
     * @param readings the parsed sensor readings, with event time and watermarks
     * @param predictions the predicted temperatures; empty: the over-temperature node is not built
     * @param contexts the context updates ({@link SensorContexts#read})
     * @return every alert of the nodes
     */
    public static DataStream<SystemAlert> attach(
            DataStream<SensorReading> readings,
            Optional<DataStream<PredictedTemperature>> predictions,
            DataStream<ContextUpdate> contexts) {
        BroadcastStream<ContextUpdate> broadcast = SensorContexts.broadcast(contexts);
        DataStream<SystemAlert> rpm = readings.keyBy(SensorReading::getMachineId, Types.STRING)
                .connect(broadcast)
                .process(new RpmMonitoring(), ProtoTypeInfo.of(SystemAlert.class))
                .uid(RPM_UID)
                .name("RPM monitoring");
        if (predictions.isEmpty()) {
            return rpm;
        }
        DataStream<SystemAlert> overTemperature = predictions
                .get()
                .keyBy(PredictedTemperature::getMachineId, Types.STRING)
                .connect(broadcast)
                .process(new OverTemperatureMonitoring(), ProtoTypeInfo.of(SystemAlert.class))
                .uid(OVER_TEMPERATURE_UID)
                .name("Over-temperature monitoring");
        return rpm.union(overTemperature);
    }
}
