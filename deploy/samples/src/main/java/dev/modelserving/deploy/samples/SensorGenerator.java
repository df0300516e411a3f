package dev.modelserving.deploy.samples;

import dev.modelserving.proto.SensorReading;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An endless, deterministic stream of sensor readings from simulated machines (the demo's data and the sample
 * models' training data).
 *
 * <p>Each machine has its own {@link MachineProfile} (fan curve, thermal parameters) and its own random source, both
 * derived from the settings' seed, so the same settings always give the same readings. Readings come round-robin:
 * every machine once at {@code start}, then every machine at {@code start + period}, and so on. See
 * {@link MachineSimulator} for the dynamics: load random walk with spikes, fan following its curve with lag and
 * noise, temperature driven by load and cooled by the fan, injected fan faults that make the temperature climb.
 *
 * <p>Not thread-safe: one consumer per generator.
 */
public final class SensorGenerator implements Iterator<SensorReading> {

    private final GeneratorSettings settings;
    private final List<MachineSimulator> machines;
    private long tick;
    private int nextMachine;

    public SensorGenerator(GeneratorSettings settings) {
        this.settings = settings;
        Random seeds = new Random(settings.seed());
        List<MachineSimulator> simulators = new ArrayList<>(settings.machines());
        for (int i = 0; i < settings.machines(); i++) {
            Random machineRandom = new Random(seeds.nextLong());
            MachineProfile profile = MachineProfile.random(machineId(i), machineRandom);
            simulators.add(new MachineSimulator(profile, machineRandom, settings.faultProbability()));
        }
        this.machines = List.copyOf(simulators);
    }

    /** The id of the machine at index {@code i}: "machine-01", "machine-02", ... */
    public static String machineId(int i) {
        return String.format("machine-%02d", i + 1);
    }

    public GeneratorSettings settings() {
        return settings;
    }

    /** The machines' fixed parameters, in machine order. */
    public List<MachineProfile> profiles() {
        return machines.stream().map(MachineSimulator::profile).toList();
    }

    /** Always true: the stream is endless. */
    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public SensorReading next() {
        return nextGenerated().reading();
    }

    /** The next reading with the simulator's ground truth. */
    public GeneratedReading nextGenerated() {
        long timestamp =
                settings.start().toEpochMilli() + tick * settings.period().toMillis();
        GeneratedReading generated = machines.get(nextMachine).next(timestamp);
        nextMachine++;
        if (nextMachine == machines.size()) {
            nextMachine = 0;
            tick++;
        }
        return generated;
    }

    /** The next {@code count} readings. */
    public List<SensorReading> take(int count) {
        List<SensorReading> readings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            readings.add(next());
        }
        return readings;
    }

    /** The next {@code count} readings with ground truth. */
    public List<GeneratedReading> takeGenerated(int count) {
        List<GeneratedReading> readings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            readings.add(nextGenerated());
        }
        return readings;
    }

    /**
     * Switches machine {@code index} (0-based) into a drifted regime: its readings report the temperature raised by
     * {@code temperatureC} and the load by {@code loadPercent} from the next reading on (zeros: back to normal). Safe
     * to call while another thread reads.
     */
    public void drift(int index, double temperatureC, double loadPercent) {
        machines.get(index).drift(temperatureC, loadPercent);
    }

    /**
     * Breaks the fan of machine {@code index} (0-based) from its next reading on until repaired with
     * {@link FanFault#NONE} (see {@code MachineSimulator#injectFault}). Safe to call while another thread reads.
     */
    public void injectFault(int index, FanFault fault) {
        machines.get(index).injectFault(fault);
    }

    /**
     * Forces the load of machine {@code index} (0-based) to {@code percent} from its next reading on (NaN: back to
     * its own workload); the machine heats up accordingly. Safe to call while another thread reads.
     */
    public void forceLoad(int index, double percent) {
        machines.get(index).forceLoad(percent);
    }

    /** This generator as an endless sequential stream (use {@code limit}); it consumes this generator. */
    public Stream<SensorReading> stream() {
        return StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }
}
