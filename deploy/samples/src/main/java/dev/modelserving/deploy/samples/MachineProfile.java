package dev.modelserving.deploy.samples;

import java.util.Random;

/**
 * The fixed physical parameters of one simulated machine: its fan curve (target fan speed as a function of
 * temperature), how fast the fan follows it, and its thermal behaviour.
 *
 * <p>Fan curve: {@code idleRpm} up to {@code curveStartC}, then a smoothstep up to {@code maxRpm} at
 * {@code curveEndC}. Thermal model (per reading): {@code T += thermalRate * (heatPerLoad * load
 * - (passiveCooling + fanCooling * rpm / 1000) * (T - ambientC))}.
 *
 * @param machineId the machine's id
 * @param ambientC room temperature, the temperature of an idle machine
 * @param baseLoadPercent the load the machine's workload wanders around
 * @param idleRpm fan speed at low temperature
 * @param maxRpm fan speed at and above {@code curveEndC}
 * @param curveStartC temperature where the fan starts to speed up
 * @param curveEndC temperature where the fan reaches {@code maxRpm}
 * @param fanLag fraction of the gap to the target speed the fan closes per reading (0..1)
 * @param heatPerLoad heating per load percent
 * @param passiveCooling cooling per degree above ambient without the fan
 * @param fanCooling extra cooling per degree above ambient per 1000 rpm
 * @param thermalRate how much of the heat balance shows up in one reading (thermal inertia)
 */
public record MachineProfile(
        String machineId,
        double ambientC,
        double baseLoadPercent,
        double idleRpm,
        double maxRpm,
        double curveStartC,
        double curveEndC,
        double fanLag,
        double heatPerLoad,
        double passiveCooling,
        double fanCooling,
        double thermalRate) {

    /** Draws a plausible machine from {@code rng}. */
    public static MachineProfile random(String machineId, Random rng) {
        return new MachineProfile(
                machineId,
                uniform(rng, 22, 28),
                uniform(rng, 10, 55),
                uniform(rng, 800, 1100),
                uniform(rng, 3400, 4000),
                uniform(rng, 40, 50),
                uniform(rng, 72, 82),
                uniform(rng, 0.15, 0.35),
                uniform(rng, 0.65, 0.80),
                uniform(rng, 0.15, 0.25),
                uniform(rng, 0.35, 0.45),
                uniform(rng, 0.04, 0.07));
    }

    /** The fan speed this machine's controller asks for at a temperature. */
    public double targetRpm(double temperatureC) {
        double x = Math.min(1.0, Math.max(0.0, (temperatureC - curveStartC) / (curveEndC - curveStartC)));
        double smooth = x * x * (3 - 2 * x);
        return idleRpm + (maxRpm - idleRpm) * smooth;
    }

    /** Temperature change over one reading for the given state (without noise). */
    public double temperatureChange(double temperatureC, double fanRpm, double loadPercent) {
        double heating = heatPerLoad * loadPercent;
        double cooling = (passiveCooling + fanCooling * fanRpm / 1000.0) * (temperatureC - ambientC);
        return thermalRate * (heating - cooling);
    }

    private static double uniform(Random rng, double low, double high) {
        return low + (high - low) * rng.nextDouble();
    }
}
