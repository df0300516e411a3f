package dev.modelserving.flink.parse;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The encoding of the values on the data topic. */
public enum RecordFormat {
    /** Each value is a {@code DataRecord}. */
    DATA_RECORD("data-record"),
    /** Each value is a {@code SensorReading}, converted to a {@code DataRecord} of data type "sensor". */
    SENSOR_READING("sensor-reading"),
    /** Each value is one JSON object, mapped to a {@code DataRecord} by a record mapping ({@code --record-mapping}). */
    JSON("json"),
    /** Each value is one CSV line without header, mapped to a {@code DataRecord} by a record mapping. */
    CSV("csv");

    private final String flagValue;

    RecordFormat(String flagValue) {
        this.flagValue = flagValue;
    }

    /** How the format is written on the command line ({@code --data-format}). */
    public String flagValue() {
        return flagValue;
    }

    /** Whether values in this format need a record mapping ({@code --record-mapping}) to become records. */
    public boolean needsMapping() {
        return this == JSON || this == CSV;
    }

    /**
     * The format written as {@code value} on the command line.
     *
     * @throws IllegalArgumentException for any other value, listing the valid ones
     */
    public static RecordFormat fromFlag(String value) {
        for (RecordFormat format : values()) {
            if (format.flagValue.equals(value)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown record format '" + value + "', expected one of "
                + Arrays.stream(values()).map(RecordFormat::flagValue).collect(Collectors.joining("|")));
    }
}
