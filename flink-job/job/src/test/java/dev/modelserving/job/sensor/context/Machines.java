package dev.modelserving.job.sensor.context;

import dev.modelserving.proto.FanCurvePoint;
import dev.modelserving.proto.MachineProperties;

/** Machine properties for tests: a curve given as temperature/rpm pairs. */
final class Machines {

    private Machines() {}

    /** A machine with the curve {@code t0, rpm0, t1, rpm1, ...} and the alert temperature. */
    static MachineProperties machine(String id, double alertTemperature, double... curve) {
        MachineProperties.Builder builder = MachineProperties.newBuilder()
                .setMachineId(id)
                .setName("Machine " + id)
                .setAlertTemperatureC(alertTemperature);
        for (int i = 0; i + 1 < curve.length; i += 2) {
            builder.addFanCurve(
                    FanCurvePoint.newBuilder().setTemperatureC(curve[i]).setRpm(curve[i + 1]));
        }
        return builder.build();
    }

    /** The reference machine of the tests: 30 C: 800, 60 C: 1600, 90 C: 2600 rpm; too hot above 85 C. */
    static MachineProperties press(String id) {
        return machine(id, 85, 30, 800, 60, 1600, 90, 2600);
    }
}
