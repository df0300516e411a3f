package dev.modelserving.deploy.ingest;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;

/**
 * The sensor API's own timestamp format, as a legacy system would write it: {@code dd.MM.yyyy HH:mm:ss.SSS} in UTC,
 * e.g. {@code 30.11.2026 07:46:12.345}. Parsing is strict: a day, month, hour or minute out of range is an error,
 * never rolled over into the next one.
 */
public final class ApiTimestamps {

    /** The pattern, for messages. */
    public static final String PATTERN = "dd.MM.yyyy HH:mm:ss.SSS";

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("dd.MM.uuuu HH:mm:ss.SSS")
            .withResolverStyle(ResolverStyle.STRICT)
            .withZone(ZoneOffset.UTC);

    private ApiTimestamps() {}

    /** {@code instant} in the API's format (millisecond precision, UTC). */
    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    /**
     * The instant {@code text} names.
     *
     * @throws DateTimeParseException when it is not in the API's format or names no real time
     */
    public static Instant parse(String text) {
        return FORMAT.parse(text, Instant::from);
    }
}
