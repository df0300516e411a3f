package dev.modelserving.deploy.samples;

import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.model.sensor.MachineFeatureStream;
import dev.modelserving.model.sensor.RunningWhitening;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.SensorReading;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Supervised examples built from sensor readings, per machine in time order: each reading that has a feature record
 * (computed by {@link MachineFeatureStream} exactly as the job's feature node does: a full 10-minute window and a warm
 * whitening) and whose machine has at least {@code horizon} later readings becomes an example with the next temperature and whether the temperature
 * reaches {@code alertTemperatureC} within the next {@code horizon} readings.
 *
 * @param examples the examples, grouped by machine (machines in first-seen order), each machine in time order
 * @param horizon how many readings ahead "soon" looks
 * @param alertTemperatureC the alert temperature
 */
public record SensorDataset(List<SensorExample> examples, int horizon, double alertTemperatureC) {

    /** The sample models' alert temperature. */
    public static final double DEFAULT_ALERT_TEMPERATURE_C = 85.0;
    /** The sample models' horizon: the next 10 readings (10 s at the default period). */
    public static final int DEFAULT_HORIZON = 10;
    /** Whitening warm-up of the feature records: the job's default ({@code --whitening-warm-up}). */
    public static final int WHITENING_WARM_UP = RunningWhitening.DEFAULT_WARM_UP;

    public SensorDataset {
        examples = List.copyOf(examples);
    }

    /**
     * Builds the examples. Readings may interleave machines; per machine they must be in time order.
     *
     * @throws IllegalArgumentException when a machine's readings go back in time
     */
    public static SensorDataset of(List<SensorReading> readings, int horizon, double alertTemperatureC) {
        if (horizon < 1) {
            throw new IllegalArgumentException("horizon must be at least 1, got " + horizon);
        }
        Map<String, List<SensorReading>> byMachine = new LinkedHashMap<>();
        for (SensorReading reading : readings) {
            List<SensorReading> series = byMachine.computeIfAbsent(reading.getMachineId(), id -> new ArrayList<>());
            if (!series.isEmpty()
                    && series.get(series.size() - 1).getTimestampMillis() >= reading.getTimestampMillis()) {
                throw new IllegalArgumentException("readings of " + reading.getMachineId()
                        + " are not in time order at " + reading.getTimestampMillis());
            }
            series.add(reading);
        }
        List<SensorExample> examples = new ArrayList<>();
        for (List<SensorReading> series : byMachine.values()) {
            MachineFeatureStream features = new MachineFeatureStream(WHITENING_WARM_UP);
            for (int i = 0; i + horizon < series.size(); i++) {
                Optional<DataRecord> record = features.accept(series.get(i));
                if (record.isEmpty()) {
                    continue;
                }
                boolean overheat = false;
                for (int j = i + 1; j <= i + horizon; j++) {
                    overheat |= series.get(j).getTemperatureC() >= alertTemperatureC;
                }
                examples.add(new SensorExample(
                        series.get(i), record.get(), series.get(i + 1).getTemperatureC(), overheat));
            }
        }
        return new SensorDataset(examples, horizon, alertTemperatureC);
    }

    /** Splits by machine: the listed machines' examples are held out, the others train. */
    public DatasetSplit splitByMachine(Set<String> heldOutMachines) {
        List<SensorExample> train = new ArrayList<>();
        List<SensorExample> heldOut = new ArrayList<>();
        for (SensorExample example : examples) {
            (heldOutMachines.contains(example.reading().getMachineId()) ? heldOut : train).add(example);
        }
        if (train.isEmpty() || heldOut.isEmpty()) {
            throw new IllegalArgumentException("splitting by held-out machines " + heldOutMachines + " leaves "
                    + train.size() + " training and " + heldOut.size() + " held-out examples");
        }
        return new DatasetSplit(train, heldOut);
    }

    /** Feature matrix of examples (rows: examples; columns: {@link MachineFeatureRecords#MODEL_FEATURE_NAMES}). */
    public static double[][] features(List<SensorExample> examples) {
        return examples.stream().map(SensorExample::features).toArray(double[][]::new);
    }

    /** Next temperatures of examples. */
    public static double[] nextTemperatures(List<SensorExample> examples) {
        return examples.stream().mapToDouble(SensorExample::nextTemperatureC).toArray();
    }

    /** Overheat labels of examples as 0/1. */
    public static int[] overheatLabels(List<SensorExample> examples) {
        return examples.stream().mapToInt(e -> e.overheatSoon() ? 1 : 0).toArray();
    }
}
