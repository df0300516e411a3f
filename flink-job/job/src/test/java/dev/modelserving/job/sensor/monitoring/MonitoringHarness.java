package dev.modelserving.job.sensor.monitoring;

import dev.modelserving.job.sensor.context.SensorContexts;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.FanCurvePoint;
import dev.modelserving.proto.MachineProperties;
import dev.modelserving.proto.RpmMonitoringConfig;
import dev.modelserving.proto.SystemAlert;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/** A monitoring function in Flink's keyed broadcast operator harness, and the contexts the tests publish. */
final class MonitoringHarness {

    private MonitoringHarness() {}

    static <IN> KeyedBroadcastOperatorTestHarness<String, IN, ContextUpdate, SystemAlert> open(
            KeyedBroadcastProcessFunction<String, IN, ContextUpdate, SystemAlert> function,
            KeySelector<IN, String> key,
            OperatorSubtaskState restored)
            throws Exception {
        KeyedBroadcastOperatorTestHarness<String, IN, ContextUpdate, SystemAlert> harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                function, List.of(SensorContexts.MACHINES, SensorContexts.RPM_CONFIG)),
                        key,
                        Types.STRING,
                        1,
                        1,
                        0);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
        // Stands in for the job's idle context stream (SensorContexts.read): it never holds back event time.
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        return harness;
    }

    /** The reference machine: 30 C: 800, 60 C: 1600, 90 C: 2600 rpm; too hot above 85 C. */
    static ContextUpdate press(String id) {
        return ContextUpdate.newBuilder()
                .setMachineProperties(MachineProperties.newBuilder()
                        .setMachineId(id)
                        .setName("Press " + id)
                        .setAlertTemperatureC(85)
                        .addFanCurve(point(30, 800))
                        .addFanCurve(point(60, 1600))
                        .addFanCurve(point(90, 2600)))
                .build();
    }

    static ContextUpdate removed(String id) {
        return ContextUpdate.newBuilder().setRemovedMachineId(id).build();
    }

    static ContextUpdate rpmConfig(double ratio, int allowed, long windowMillis) {
        return ContextUpdate.newBuilder()
                .setRpmMonitoringConfig(RpmMonitoringConfig.newBuilder()
                        .setAcceptableDeviationRatio(ratio)
                        .setAcceptableDeviationsPerWindow(allowed)
                        .setWindowMillis(windowMillis))
                .build();
    }

    private static FanCurvePoint point(double temperature, double rpm) {
        return FanCurvePoint.newBuilder()
                .setTemperatureC(temperature)
                .setRpm(rpm)
                .build();
    }
}
