package dev.modelserving.deploy.samples;

import dev.modelserving.proto.SensorReading;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The generated data a sample model learns from: readings from a {@link SensorGenerator}, turned into a
 * {@link SensorDataset} and split by machine (every fifth machine is held out).
 *
 * @param settings the generator settings
 * @param readingsPerMachine readings generated per machine
 * @param readings all generated readings, in generation order
 * @param dataset the supervised examples (default horizon and alert temperature)
 * @param split training and held-out examples
 * @param heldOutMachines ids of the held-out machines
 */
public record SampleTrainingData(
        GeneratorSettings settings,
        int readingsPerMachine,
        List<SensorReading> readings,
        SensorDataset dataset,
        DatasetSplit split,
        Set<String> heldOutMachines) {

    /** Generates, builds and splits. */
    public static SampleTrainingData generate(GeneratorSettings settings, int readingsPerMachine) {
        if (settings.machines() < 5) {
            throw new IllegalArgumentException(
                    "need at least 5 machines to hold every fifth one out, got " + settings.machines());
        }
        List<SensorReading> readings =
                List.copyOf(new SensorGenerator(settings).take(settings.machines() * readingsPerMachine));
        SensorDataset dataset =
                SensorDataset.of(readings, SensorDataset.DEFAULT_HORIZON, SensorDataset.DEFAULT_ALERT_TEMPERATURE_C);
        Set<String> heldOut = new TreeSet<>();
        for (int i = 4; i < settings.machines(); i += 5) {
            heldOut.add(SensorGenerator.machineId(i));
        }
        return new SampleTrainingData(
                settings, readingsPerMachine, readings, dataset, dataset.splitByMachine(heldOut), Set.copyOf(heldOut));
    }

    /** The provenance's training_data_id: enough to regenerate exactly this data. */
    public String trainingDataId() {
        return "sensor-generator seed=" + settings.seed()
                + " machines=" + settings.machines()
                + " readings=" + readings.size()
                + " train-rows=" + split.train().size()
                + " held-out=" + String.join(",", new TreeSet<>(heldOutMachines))
                + " horizon=" + dataset.horizon()
                + " alert-c=" + dataset.alertTemperatureC();
    }
}
