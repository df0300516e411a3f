package dev.modelserving.deploy.samples;

import dev.modelserving.proto.SensorReading;

/**
 * A generated reading with the simulator's ground truth next to it (what a real sensor would not tell).
 *
 * @param reading what the machine reports (measured, rounded)
 * @param curveRpm the fan speed the machine's fan curve asks for at the true temperature before this step
 * @param fault the state of the fan during this step
 * @param trueTemperatureC the temperature without measurement noise
 */
public record GeneratedReading(SensorReading reading, double curveRpm, FanFault fault, double trueTemperatureC) {}
