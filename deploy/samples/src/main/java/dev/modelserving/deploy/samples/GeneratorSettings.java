package dev.modelserving.deploy.samples;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How a {@link SensorGenerator} runs. Everything random derives from {@code seed}: the same settings give the same
 * readings, on any JVM.
 *
 * @param seed the seed of every random draw (machine parameters, noise, spikes, faults)
 * @param machines how many machines report
 * @param period time between two readings of one machine
 * @param start timestamp of every machine's first reading
 * @param faultProbability chance per reading that a healthy machine's fan starts to fail (0 disables faults)
 */
public record GeneratorSettings(long seed, int machines, Duration period, Instant start, double faultProbability) {

    /** 2026-01-01T00:00:00Z: fixed so that generated data (and models trained on it) are reproducible. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");
    /** One reading per machine per second. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(1);
    /** About one fan fault every ~650 readings of a machine. */
    public static final double DEFAULT_FAULT_PROBABILITY = 0.0015;

    public GeneratorSettings {
        if (machines < 1) {
            throw new IllegalArgumentException("machines must be at least 1, got " + machines);
        }
        if (period.isNegative() || period.isZero() || period.toMillis() < 1) {
            throw new IllegalArgumentException("period must be at least 1 ms, got " + period);
        }
        if (!(faultProbability >= 0 && faultProbability <= 1)) {
            throw new IllegalArgumentException("faultProbability must be in [0, 1], got " + faultProbability);
        }
        Objects.requireNonNull(start, "start");
    }

    /** Default period, start and fault rate. */
    public static GeneratorSettings of(long seed, int machines) {
        return new GeneratorSettings(seed, machines, DEFAULT_PERIOD, DEFAULT_START, DEFAULT_FAULT_PROBABILITY);
    }

    public GeneratorSettings withFaultProbability(double probability) {
        return new GeneratorSettings(seed, machines, period, start, probability);
    }

    public GeneratorSettings withPeriod(Duration newPeriod) {
        return new GeneratorSettings(seed, machines, newPeriod, start, faultProbability);
    }

    public GeneratorSettings withStart(Instant newStart) {
        return new GeneratorSettings(seed, machines, period, newStart, faultProbability);
    }
}
