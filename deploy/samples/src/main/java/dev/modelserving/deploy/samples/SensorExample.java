package dev.modelserving.deploy.samples;

import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.SensorReading;

/**
 * One supervised example: a reading, the feature record the job computes at it, and what happened next on the same
 * machine.
 *
 * @param reading the reading the example is at
 * @param record the feature record at the reading ({@link MachineFeatureRecords}): the models' input
 * @param nextTemperatureC the machine's next measured temperature (regression target)
 * @param overheatSoon whether one of the machine's next readings (within the data set's horizon) reached the alert
 *     temperature (classification target)
 */
public record SensorExample(SensorReading reading, DataRecord record, double nextTemperatureC, boolean overheatSoon) {

    /** The features in model order ({@link MachineFeatureRecords#MODEL_FEATURE_NAMES}). */
    public double[] features() {
        return MachineFeatureRecords.modelInputs(record);
    }

    /** The classification target as the sample models' label: "1" overheats soon, "0" does not. */
    public String label() {
        return overheatSoon ? "1" : "0";
    }
}
