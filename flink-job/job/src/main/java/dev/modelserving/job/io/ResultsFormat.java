package dev.modelserving.job.io;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How results are written to the results topic ({@code --results-format}). */
public enum ResultsFormat {
    /** The {@code ServingResult}'s protobuf wire bytes (default). */
    PROTOBUF("protobuf"),
    /**
     * The {@code ServingResult} as one line of JSON (protobuf's JSON mapping: lowerCamelCase field names, 64-bit
     * integers as strings, enums by name), so consumers in any language read results without the schema.
     */
    JSON("json");

    private final String flagValue;

    ResultsFormat(String flagValue) {
        this.flagValue = flagValue;
    }

    /** How the format is written on the command line. */
    public String flagValue() {
        return flagValue;
    }

    /**
     * The format written as {@code value} on the command line.
     *
     * @throws IllegalArgumentException for any other value, listing the valid ones
     */
    public static ResultsFormat fromFlag(String value) {
        for (ResultsFormat format : values()) {
            if (format.flagValue.equals(value)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown results format '" + value + "', expected one of "
                + Arrays.stream(values()).map(ResultsFormat::flagValue).collect(Collectors.joining("|")));
    }
}
