package dev.modelserving.deploy.demo;

import dev.modelserving.deploy.samples.MachineProfile;
import dev.modelserving.proto.FanCurvePoint;
import dev.modelserving.proto.MachineProperties;
import dev.modelserving.proto.RpmMonitoringConfig;

/**
 * The demo's contexts of the sensor system: each simulated machine's properties (its fan curve sampled from the
 * simulator's controller, an alert temperature) and rpm monitoring configurations.
 */
public final class SensorSystemContexts {

    /** Degrees between two points of a published fan curve (linear interpolation between them). */
    static final double CURVE_STEP_C = 2.5;

    /** Alert temperature of every machine but the hot one. */
    public static final double DEFAULT_ALERT_TEMPERATURE_C = 80.0;

    private SensorSystemContexts() {}

    /**
     * The temperature a healthy machine settles at under a constant load, by its profile's heat balance with the fan
     * following its curve (fixed-point iteration; no noise, lag or throttling).
     */
    public static double steadyTemperature(MachineProfile profile, double loadPercent) {
        double t = profile.ambientC() + 20;
        for (int i = 0; i < 200; i++) {
            double rpm = profile.targetRpm(t);
            double next = profile.ambientC()
                    + profile.heatPerLoad()
                            * loadPercent
                            / (profile.passiveCooling() + profile.fanCooling() * rpm / 1000);
            t = 0.5 * t + 0.5 * next;
        }
        return t;
    }

    /**
     * The hot machine's alert temperature: halfway between where it settles under its usual load and under 100 %
     * load, so the overload (and only the overload) takes it over the limit.
     */
    public static double hotMachineAlertTemperature(MachineProfile profile) {
        double normal = steadyTemperature(profile, profile.baseLoadPercent());
        double overloaded = steadyTemperature(profile, 100);
        return round((normal + overloaded) / 2);
    }

    /**
     * The properties of a simulated machine: its controller's curve as points every {@value #CURVE_STEP_C} °C from
     * where the fan starts to speed up to where it reaches full speed (flat outside), and the alert temperature.
     */
    public static MachineProperties machineProperties(MachineProfile profile, double alertTemperatureC) {
        MachineProperties.Builder properties = MachineProperties.newBuilder()
                .setMachineId(profile.machineId())
                .setName("Simulated " + profile.machineId())
                .setAlertTemperatureC(alertTemperatureC);
        int steps = (int) Math.ceil((profile.curveEndC() - profile.curveStartC()) / CURVE_STEP_C);
        for (int i = 0; i <= steps; i++) {
            double t = Math.min(profile.curveEndC(), profile.curveStartC() + i * CURVE_STEP_C);
            properties.addFanCurve(
                    FanCurvePoint.newBuilder().setTemperatureC(round(t)).setRpm(round(profile.targetRpm(t))));
        }
        return properties.build();
    }

    /** An rpm monitoring configuration. */
    public static RpmMonitoringConfig rpmMonitoring(double deviationRatio, int deviationsPerWindow, long windowMillis) {
        return RpmMonitoringConfig.newBuilder()
                .setAcceptableDeviationRatio(deviationRatio)
                .setAcceptableDeviationsPerWindow(deviationsPerWindow)
                .setWindowMillis(windowMillis)
                .build();
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
