package dev.modelserving.job.sensor.context;

import dev.modelserving.proto.RpmMonitoringConfig;
import java.io.Serializable;

/**
 * The effective rpm monitoring configuration: an {@link RpmMonitoringConfig} with its unset fields replaced by the
 * defaults (ratio {@value #DEFAULT_DEVIATION_RATIO}, {@value #DEFAULT_DEVIATIONS_PER_WINDOW} deviations per window,
 * windows of {@value #DEFAULT_WINDOW_MILLIS} ms), and the rule that says whether a reading deviates.
 *
 * @param deviationRatio a reading deviates when {@code |rpm - expected| / rpm} exceeds it
 * @param allowedDeviations an alert is raised when a window holds more deviating readings than this
 * @param windowMillis length of the tumbling monitoring windows (aligned to the Unix epoch), ms
 */
public record RpmMonitoringSettings(double deviationRatio, int allowedDeviations, long windowMillis)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default acceptable deviation ratio. */
    public static final double DEFAULT_DEVIATION_RATIO = 0.2;
    /** Default acceptable deviations per window. */
    public static final int DEFAULT_DEVIATIONS_PER_WINDOW = 2;
    /** Default window length: 10 minutes. */
    public static final long DEFAULT_WINDOW_MILLIS = 600_000;
    /** Largest acceptable deviation ratio a configuration may set. */
    public static final double MAX_DEVIATION_RATIO = 10;
    /** Shortest window a configuration may set: one second. */
    public static final long MIN_WINDOW_MILLIS = 1_000;
    /** Longest window a configuration may set: one day. */
    public static final long MAX_WINDOW_MILLIS = 86_400_000;

    /** The settings when no configuration was ever published. */
    public static final RpmMonitoringSettings DEFAULTS =
            new RpmMonitoringSettings(DEFAULT_DEVIATION_RATIO, DEFAULT_DEVIATIONS_PER_WINDOW, DEFAULT_WINDOW_MILLIS);

    public RpmMonitoringSettings {
        if (!(deviationRatio > 0 && deviationRatio <= MAX_DEVIATION_RATIO)) {
            throw new IllegalArgumentException("deviation ratio must be in (0, " + MAX_DEVIATION_RATIO + "]");
        }
        if (allowedDeviations < 0) {
            throw new IllegalArgumentException("allowed deviations must not be negative");
        }
        if (windowMillis < MIN_WINDOW_MILLIS || windowMillis > MAX_WINDOW_MILLIS) {
            throw new IllegalArgumentException(
                    "window must be " + MIN_WINDOW_MILLIS + " to " + MAX_WINDOW_MILLIS + " ms, got " + windowMillis);
        }
    }

    /**
     * The effective settings of a (validated) configuration: its fields where set, the defaults elsewhere.
     *
     * @throws IllegalArgumentException when a set field is out of range (the parser refuses such configurations)
     */
    public static RpmMonitoringSettings of(RpmMonitoringConfig config) {
        return new RpmMonitoringSettings(
                config.hasAcceptableDeviationRatio() ? config.getAcceptableDeviationRatio() : DEFAULT_DEVIATION_RATIO,
                config.hasAcceptableDeviationsPerWindow()
                        ? config.getAcceptableDeviationsPerWindow()
                        : DEFAULT_DEVIATIONS_PER_WINDOW,
                config.hasWindowMillis() ? config.getWindowMillis() : DEFAULT_WINDOW_MILLIS);
    }

    /**
     * Whether a reading with fan speed {@code rpm} deviates from the curve's {@code expectedRpm}: when
     * {@code |rpm - expectedRpm| / rpm > deviationRatio} (exactly at the ratio does not deviate). A fan at 0 rpm (or
     * a negative rpm) always deviates: the ratio is undefined there and a stopped fan is the fault to catch. Callers
     * skip readings whose rpm or temperature is not finite before asking.
     */
    public boolean deviates(double rpm, double expectedRpm) {
        if (rpm <= 0) {
            return true;
        }
        return Math.abs(rpm - expectedRpm) / rpm > deviationRatio;
    }

    /** The start of the tumbling window that holds {@code timestampMillis} (windows aligned to the Unix epoch). */
    public long windowStart(long timestampMillis) {
        return Math.floorDiv(timestampMillis, windowMillis) * windowMillis;
    }
}
