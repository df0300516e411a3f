package dev.modelserving.deploy.samples;

import dev.modelserving.proto.SensorReading;

/**
 * One supervised example: a reading and what happened next on the same machine.
 *
 * @param reading the reading (its temperature, fan speed and load are the features)
 * @param nextTemperatureC the machine's next measured temperature (regression target)
 * @param overheatSoon whether one of the machine's next readings (within the data set's horizon) reached the alert
 *     temperature (classification target)
 */
public record SensorExample(SensorReading reading, double nextTemperatureC, boolean overheatSoon) {

    /** The features in model order: temperature_c, fan_rpm, load_percent. */
    public double[] features() {
        return new double[] {reading.getTemperatureC(), reading.getFanRpm(), reading.getLoadPercent()};
    }

    /** The classification target as the sample models' label: "1" overheats soon, "0" does not. */
    public String label() {
        return overheatSoon ? "1" : "0";
    }
}
