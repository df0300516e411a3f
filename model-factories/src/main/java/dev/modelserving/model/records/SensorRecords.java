package dev.modelserving.model.records;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.SensorReading;
import java.util.List;

/**
 * The sensor domain's mapping from a {@link SensorReading} to the {@link DataRecord} that models score: data type
 * {@value #DATA_TYPE}, key = machine id, id = machine id + "-" + timestamp, event time = the reading's timestamp, and
 * the three named features {@value #TEMPERATURE_C}, {@value #FAN_RPM}, {@value #LOAD_PERCENT}.
 *
 * <p>Values are copied as they are: a reading with a NaN temperature becomes a record with a NaN feature, which
 * scoring then refuses with a clear message (nothing is guessed here).
 */
public final class SensorRecords {

    /** {@code DataRecord.data_type} of sensor records; sample sensor models declare it too. */
    public static final String DATA_TYPE = "sensor";
    /** Feature: temperature in degrees Celsius. */
    public static final String TEMPERATURE_C = "temperature_c";
    /** Feature: fan speed in revolutions per minute. */
    public static final String FAN_RPM = "fan_rpm";
    /** Feature: machine load in percent. */
    public static final String LOAD_PERCENT = "load_percent";
    /** The features in the order sensor models take them as a vector. */
    public static final List<String> FEATURE_NAMES = List.of(TEMPERATURE_C, FAN_RPM, LOAD_PERCENT);

    private SensorRecords() {}

    /**
     * The record for one reading.
     *
     * @throws IllegalArgumentException when the reading has no machine id (it could be neither keyed nor identified)
     */
    public static DataRecord toRecord(SensorReading reading) {
        return DataRecord.newBuilder()
                .setDataType(DATA_TYPE)
                .setKey(requireMachineId(reading))
                .setId(recordId(reading))
                .setEventTimeMillis(reading.getTimestampMillis())
                .putFeatures(TEMPERATURE_C, reading.getTemperatureC())
                .putFeatures(FAN_RPM, reading.getFanRpm())
                .putFeatures(LOAD_PERCENT, reading.getLoadPercent())
                .build();
    }

    /**
     * The record id of a reading: machine id + "-" + timestamp millis (unique as long as a machine emits at most one
     * reading per millisecond).
     *
     * @throws IllegalArgumentException when the reading has no machine id
     */
    public static String recordId(SensorReading reading) {
        return requireMachineId(reading) + "-" + reading.getTimestampMillis();
    }

    private static String requireMachineId(SensorReading reading) {
        String machineId = reading.getMachineId();
        if (machineId.isBlank()) {
            throw new IllegalArgumentException(
                    "sensor reading at " + reading.getTimestampMillis() + " has no machine_id");
        }
        return machineId;
    }
}
