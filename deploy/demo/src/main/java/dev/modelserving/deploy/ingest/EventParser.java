package dev.modelserving.deploy.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelserving.proto.SensorReading;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Turns one event of the sensor API into a {@link SensorReading} with its parsed timestamp, or says why it cannot:
 * not a JSON object, a field missing or of the wrong type, a timestamp not in the API's format, an unusable machine
 * id. Never throws on input.
 */
public final class EventParser {

    /** Longest machine id accepted (as the job's parsers). */
    public static final int MAX_MACHINE_ID_CHARS = 256;

    private EventParser() {}

    /** What became of an event: a reading, or the reason it is unusable. */
    public sealed interface Parsed permits Reading, Unusable {}

    /** A usable event. */
    public record Reading(SensorReading reading) implements Parsed {}

    /** An event that becomes a dead letter, with the reason. */
    public record Unusable(String reason) implements Parsed {}

    /** Parses one element of the {@code events} array. */
    public static Parsed parse(JsonNode event) {
        if (event == null || !event.isObject()) {
            return new Unusable("not a JSON object: " + (event == null ? "nothing" : event.getNodeType()));
        }
        JsonNode machine = event.get("machine");
        if (machine == null || machine.isNull()) {
            return new Unusable("missing field 'machine'");
        }
        if (!machine.isTextual()
                || machine.asText().isBlank()
                || machine.asText().length() > MAX_MACHINE_ID_CHARS
                || machine.asText().chars().anyMatch(Character::isISOControl)) {
            return new Unusable("field 'machine' is not a machine id (non-blank text, at most " + MAX_MACHINE_ID_CHARS
                    + " characters, no control characters)");
        }
        JsonNode time = event.get("time");
        if (time == null || time.isNull()) {
            return new Unusable("missing field 'time'");
        }
        if (!time.isTextual()) {
            return new Unusable("field 'time' is not text in the format " + ApiTimestamps.PATTERN);
        }
        Instant timestamp;
        try {
            timestamp = ApiTimestamps.parse(time.asText());
        } catch (DateTimeParseException e) {
            return new Unusable("field 'time' '" + time.asText() + "' is not a time in the format "
                    + ApiTimestamps.PATTERN + " (UTC): " + e.getMessage());
        }
        SensorReading.Builder reading =
                SensorReading.newBuilder().setMachineId(machine.asText()).setTimestampMillis(timestamp.toEpochMilli());
        for (String field : new String[] {"temperature_c", "fan_rpm", "load_percent"}) {
            JsonNode value = event.get(field);
            if (value == null || value.isNull()) {
                return new Unusable("missing field '" + field + "'");
            }
            if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
                return new Unusable("field '" + field + "' is not a finite number: " + value);
            }
            switch (field) {
                case "temperature_c" -> reading.setTemperatureC(value.asDouble());
                case "fan_rpm" -> reading.setFanRpm(value.asDouble());
                default -> reading.setLoadPercent(value.asDouble());
            }
        }
        return new Reading(reading.build());
    }
}
