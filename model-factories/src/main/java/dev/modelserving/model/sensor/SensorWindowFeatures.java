package dev.modelserving.model.sensor;

import dev.modelserving.proto.SensorReading;
import java.util.List;
import java.util.Optional;

/**
 * The sensor system's window features: what the models learn from, computed from one machine's readings of the last
 * {@value #WINDOW_MILLIS} ms. The job's feature node and the sample-model trainers both call {@link #compute(List)},
 * so training and serving cannot disagree.
 *
 * <p>The window is the readings with {@code current - WINDOW_MILLIS < timestamp <= current}, where {@code current} is
 * the timestamp of the last reading of the list (the reading the features are "at"); older readings in the list are
 * ignored. No features exist (empty result) when the window holds fewer than {@value #MIN_READINGS} readings or any
 * reading in it has a NaN or infinite temperature, fan speed or load: nothing is guessed.
 *
 * <p>The features, in the order of {@link #FEATURE_NAMES}: the current temperature, fan speed and load; the
 * temperatures 1 and 2 readings back; the window's temperature mean, population standard deviation, minimum and
 * maximum; the least-squares slope of temperature over time in °C per minute; the window's mean fan speed and mean
 * load.
 */
public final class SensorWindowFeatures {

    /** Length of the window: 10 minutes. */
    public static final long WINDOW_MILLIS = 600_000L;
    /** Fewest readings a window needs to have features. */
    public static final int MIN_READINGS = 10;

    /** Feature: the current temperature (°C). */
    public static final String TEMPERATURE_C = "temperature_c";
    /** Feature: the current fan speed (rpm). */
    public static final String FAN_RPM = "fan_rpm";
    /** Feature: the current load (%). */
    public static final String LOAD_PERCENT = "load_percent";
    /** Feature: the temperature one reading back (°C). */
    public static final String TEMPERATURE_LAG1_C = "temperature_lag1_c";
    /** Feature: the temperature two readings back (°C). */
    public static final String TEMPERATURE_LAG2_C = "temperature_lag2_c";
    /** Feature: the window's mean temperature (°C). */
    public static final String TEMPERATURE_MEAN_C = "temperature_mean_c";
    /** Feature: the window's temperature population standard deviation (°C). */
    public static final String TEMPERATURE_STD_C = "temperature_std_c";
    /** Feature: the window's lowest temperature (°C). */
    public static final String TEMPERATURE_MIN_C = "temperature_min_c";
    /** Feature: the window's highest temperature (°C). */
    public static final String TEMPERATURE_MAX_C = "temperature_max_c";
    /** Feature: least-squares slope of temperature over event time in the window (°C per minute). */
    public static final String TEMPERATURE_SLOPE_C_PER_MIN = "temperature_slope_c_per_min";
    /** Feature: the window's mean fan speed (rpm). */
    public static final String FAN_RPM_MEAN = "fan_rpm_mean";
    /** Feature: the window's mean load (%). */
    public static final String LOAD_PERCENT_MEAN = "load_percent_mean";

    /** Every feature, in the order of the arrays {@link #compute(List)} returns. */
    public static final List<String> FEATURE_NAMES = List.of(
            TEMPERATURE_C,
            FAN_RPM,
            LOAD_PERCENT,
            TEMPERATURE_LAG1_C,
            TEMPERATURE_LAG2_C,
            TEMPERATURE_MEAN_C,
            TEMPERATURE_STD_C,
            TEMPERATURE_MIN_C,
            TEMPERATURE_MAX_C,
            TEMPERATURE_SLOPE_C_PER_MIN,
            FAN_RPM_MEAN,
            LOAD_PERCENT_MEAN);

    private static final double MILLIS_PER_MINUTE = 60_000.0;

    private SensorWindowFeatures() {}

    /**
     * The features at the last reading of {@code readings}.
     *
     * @param readings one machine's readings in event-time order (non-decreasing timestamps), ending at the current
     *     reading; may hold older readings, which are ignored
     * @return the features in the order of {@link #FEATURE_NAMES}, or empty when the window has fewer than
     *     {@value #MIN_READINGS} readings or a non-finite value
     * @throws IllegalArgumentException when the timestamps are not in order
     */
    public static Optional<double[]> compute(List<SensorReading> readings) {
        if (readings.size() < MIN_READINGS) {
            return Optional.empty();
        }
        int last = readings.size() - 1;
        long current = readings.get(last).getTimestampMillis();
        int first = last;
        while (first > 0) {
            long previous = readings.get(first - 1).getTimestampMillis();
            if (previous > readings.get(first).getTimestampMillis()) {
                throw new IllegalArgumentException("readings are not in event-time order at index " + (first - 1));
            }
            if (previous <= current - WINDOW_MILLIS) {
                break;
            }
            first--;
        }
        int n = last - first + 1;
        if (n < MIN_READINGS) {
            return Optional.empty();
        }
        double sumT = 0;
        double sumRpm = 0;
        double sumLoad = 0;
        double minT = Double.POSITIVE_INFINITY;
        double maxT = Double.NEGATIVE_INFINITY;
        double sumX = 0;
        for (int i = first; i <= last; i++) {
            SensorReading r = readings.get(i);
            if (!Double.isFinite(r.getTemperatureC())
                    || !Double.isFinite(r.getFanRpm())
                    || !Double.isFinite(r.getLoadPercent())) {
                return Optional.empty();
            }
            double t = r.getTemperatureC();
            sumT += t;
            sumRpm += r.getFanRpm();
            sumLoad += r.getLoadPercent();
            minT = Math.min(minT, t);
            maxT = Math.max(maxT, t);
            sumX += minutesBefore(current, r);
        }
        double meanT = sumT / n;
        double meanX = sumX / n;
        double squares = 0;
        double sxy = 0;
        double sxx = 0;
        for (int i = first; i <= last; i++) {
            SensorReading r = readings.get(i);
            double dt = r.getTemperatureC() - meanT;
            double dx = minutesBefore(current, r) - meanX;
            squares += dt * dt;
            sxy += dx * dt;
            sxx += dx * dx;
        }
        SensorReading now = readings.get(last);
        double[] features = {
            now.getTemperatureC(),
            now.getFanRpm(),
            now.getLoadPercent(),
            readings.get(last - 1).getTemperatureC(),
            readings.get(last - 2).getTemperatureC(),
            meanT,
            Math.sqrt(squares / n),
            minT,
            maxT,
            sxx == 0 ? 0 : sxy / sxx,
            sumRpm / n,
            sumLoad / n
        };
        for (double feature : features) {
            if (!Double.isFinite(feature)) {
                return Optional.empty();
            }
        }
        return Optional.of(features);
    }

    /** Event time of {@code reading} relative to {@code current}, in minutes (0 or negative). */
    private static double minutesBefore(long current, SensorReading reading) {
        return (reading.getTimestampMillis() - current) / MILLIS_PER_MINUTE;
    }
}
