package dev.modelserving.deploy.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.modelserving.proto.SensorReading;
import java.time.Instant;

/**
 * One event as the sensor API serves it (JSON, written by Jackson): the machine, the time in the API's own format
 * ({@link ApiTimestamps}), and the measurements. Absent fields are left out of the JSON, as a real device with a
 * broken sensor would.
 *
 * @param machine the machine's id
 * @param time when it was measured, {@code dd.MM.yyyy HH:mm:ss.SSS} UTC
 * @param temperatureC temperature in degrees Celsius
 * @param fanRpm fan speed
 * @param loadPercent load in percent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SensorEvent(
        @JsonProperty("machine") String machine,
        @JsonProperty("time") String time,
        @JsonProperty("temperature_c") Double temperatureC,
        @JsonProperty("fan_rpm") Double fanRpm,
        @JsonProperty("load_percent") Double loadPercent) {

    /** The event a simulated sensor reports for a reading. */
    public static SensorEvent of(SensorReading reading) {
        return new SensorEvent(
                reading.getMachineId(),
                ApiTimestamps.format(Instant.ofEpochMilli(reading.getTimestampMillis())),
                reading.getTemperatureC(),
                reading.getFanRpm(),
                reading.getLoadPercent());
    }
}
