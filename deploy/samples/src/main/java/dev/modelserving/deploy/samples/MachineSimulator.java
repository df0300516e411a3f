package dev.modelserving.deploy.samples;

import dev.modelserving.proto.SensorReading;
import java.util.Random;

/**
 * One simulated machine: its profile plus the state that evolves from reading to reading. Not thread-safe; owned
 * by one {@link SensorGenerator}.
 *
 * <p>Per reading: faults start (with the configured probability) and end; the load follows a mean-reverting random
 * walk around the machine's base load with occasional spikes to 80–100 %, is throttled above
 * {@value #THROTTLE_C} °C and shed above {@value #EMERGENCY_C} °C; the fan moves a fraction of the way to its curve's target (times the fan's health) plus
 * noise; the temperature follows the profile's first-order heat balance plus noise. Measurements add sensor noise
 * and are rounded (0.01 °C, 1 rpm, 0.1 %).
 */
final class MachineSimulator {

    /** Above this true temperature the machine sheds load (thermal throttling). */
    static final double THROTTLE_C = 88.0;
    /** Above this true temperature the machine drops nearly all its work (emergency shedding). */
    static final double EMERGENCY_C = 95.0;

    private static final int WARM_UP_READINGS = 300;
    private static final double SPIKE_PROBABILITY = 0.01;
    private static final double STALL_SHARE = 0.4;

    private final MachineProfile profile;
    private final Random rng;
    private final double faultProbability;

    private double temperatureC;
    private double fanRpm;
    private double loadPercent;
    private int spikeRemaining;
    private double spikeLoad;
    private FanFault fault = FanFault.NONE;
    private double fanHealth = 1.0;
    private int faultRemaining;
    /** Drifted regime (set from another thread): added to every reported temperature and load. */
    private volatile double driftTemperatureC;

    private volatile double driftLoadPercent;
    /** A fan fault injected from another thread (null: none); taken over by the simulation at the next step. */
    private volatile FanFault injectedFault;
    /** A load forced from another thread (NaN: the workload's own). */
    private volatile double forcedLoadPercent = Double.NaN;

    MachineSimulator(MachineProfile profile, Random rng, double faultProbability) {
        this.profile = profile;
        this.rng = rng;
        this.faultProbability = faultProbability;
        this.loadPercent = profile.baseLoadPercent();
        this.temperatureC = profile.ambientC() + 20;
        this.fanRpm = profile.targetRpm(temperatureC);
        for (int i = 0; i < WARM_UP_READINGS; i++) {
            advance(false);
        }
    }

    MachineProfile profile() {
        return profile;
    }

    /**
     * Switches the machine into a drifted regime: from now on every reading reports the temperature raised by
     * {@code temperatureC} and the load by {@code loadPercent} (a miscalibrated sensor, a new duty cycle); the
     * dynamics are unchanged. Zeros switch it back. Safe to call from another thread than the one reading.
     */
    void drift(double temperatureC, double loadPercent) {
        this.driftTemperatureC = temperatureC;
        this.driftLoadPercent = loadPercent;
    }

    /**
     * Breaks the fan (or repairs it with {@link FanFault#NONE}) from the next reading on, until changed again: a
     * degraded fan reaches 40 % of its target speed, a stalled one 5 %. Safe to call from another thread.
     */
    void injectFault(FanFault fanFault) {
        this.injectedFault = fanFault;
    }

    /** Forces the load to {@code percent} from the next reading on (NaN: back to the workload's own). Thread-safe. */
    void forceLoad(double percent) {
        this.forcedLoadPercent = percent;
    }

    /** Advances one period and reports the reading taken at {@code timestampMillis}. */
    GeneratedReading next(long timestampMillis) {
        double curveRpm = advance(true);
        SensorReading reading = SensorReading.newBuilder()
                .setMachineId(profile.machineId())
                .setTimestampMillis(timestampMillis)
                .setTemperatureC(round(temperatureC + driftTemperatureC + 0.15 * rng.nextGaussian(), 100))
                .setFanRpm(round(fanRpm, 1))
                .setLoadPercent(round(loadPercent + driftLoadPercent, 10))
                .build();
        return new GeneratedReading(reading, curveRpm, fault, temperatureC);
    }

    /** One step of the dynamics; returns the fan curve's target at the temperature before the step. */
    private double advance(boolean faultsEnabled) {
        updateFault(faultsEnabled);
        updateLoad();
        double curveRpm = profile.targetRpm(temperatureC);
        fanRpm += profile.fanLag() * (curveRpm * fanHealth - fanRpm) + 20 * rng.nextGaussian();
        fanRpm = clamp(fanRpm, 0, profile.maxRpm() * 1.05);
        temperatureC += profile.temperatureChange(temperatureC, fanRpm, loadPercent) + 0.05 * rng.nextGaussian();
        return curveRpm;
    }

    private void updateFault(boolean faultsEnabled) {
        FanFault injected = injectedFault;
        if (injected != null) {
            injectedFault = null;
            fault = injected;
            fanHealth = injected == FanFault.STALLED ? 0.05 : injected == FanFault.DEGRADED ? 0.4 : 1.0;
            faultRemaining = injected == FanFault.NONE ? 0 : Integer.MAX_VALUE;
            return;
        }
        if (faultRemaining > 0) {
            faultRemaining--;
            if (faultRemaining == 0) {
                fault = FanFault.NONE;
                fanHealth = 1.0;
            }
        }
        double draw = rng.nextDouble();
        if (faultsEnabled && fault == FanFault.NONE && draw < faultProbability) {
            boolean stall = rng.nextDouble() < STALL_SHARE;
            fault = stall ? FanFault.STALLED : FanFault.DEGRADED;
            fanHealth = stall ? 0.08 * rng.nextDouble() : 0.25 + 0.25 * rng.nextDouble();
            faultRemaining = 80 + rng.nextInt(171);
        }
    }

    private void updateLoad() {
        double draw = rng.nextDouble();
        if (spikeRemaining > 0) {
            spikeRemaining--;
        } else if (draw < SPIKE_PROBABILITY) {
            spikeRemaining = 20 + rng.nextInt(41);
            spikeLoad = 80 + 20 * rng.nextDouble();
        }
        double forced = forcedLoadPercent;
        double target = !Double.isNaN(forced) ? forced : spikeRemaining > 0 ? spikeLoad : profile.baseLoadPercent();
        loadPercent += 0.1 * (target - loadPercent) + 1.5 * rng.nextGaussian();
        if (temperatureC > EMERGENCY_C) {
            loadPercent = Math.min(loadPercent, 10);
        } else if (temperatureC > THROTTLE_C) {
            loadPercent *= 0.7;
        }
        loadPercent = clamp(loadPercent, 0, 100);
    }

    private static double clamp(double value, double low, double high) {
        return Math.max(low, Math.min(high, value));
    }

    private static double round(double value, double scale) {
        return Math.round(value * scale) / scale;
    }
}
