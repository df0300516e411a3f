package dev.modelserving.model;

import java.util.Locale;
import java.util.Optional;

/**
 * The rules for identifiers that arrive from Kafka (data types, model names, publisher ids, record keys and ids) and
 * the numeric bounds of versions, in one place so parsers and serving code apply the same limits.
 *
 * <p>An identifier is refused when it is longer than its cap (in UTF-16 chars), contains an ISO control character
 * (U+0000-U+001F, U+007F-U+009F: U+001F is the separator of speculative executor keys, newlines break logs), the
 * line or paragraph separator U+2028/U+2029, or is blank where one is required. Versions stay within
 * {@link #MAX_VERSION} = 2^53-1, the largest integer a JSON number (an IEEE double) holds exactly, so every version
 * survives a round trip through JSON tooling and metrics.
 */
public final class Identifiers {

    /** Longest data type (chars). */
    public static final int MAX_DATA_TYPE_LENGTH = 128;
    /** Longest model name (chars). */
    public static final int MAX_MODEL_NAME_LENGTH = 128;
    /** Longest publisher id (chars). */
    public static final int MAX_PUBLISHER_ID_LENGTH = 128;
    /** Longest record key or record id (chars). */
    public static final int MAX_RECORD_KEY_LENGTH = 512;
    /** Largest model or configuration version: 2^53-1, exact in JSON numbers (IEEE doubles). */
    public static final long MAX_VERSION = (1L << 53) - 1;

    private Identifiers() {}

    /**
     * The problem with {@code value} as the identifier {@code field}, or empty when it is acceptable.
     *
     * @param field the field's name, used in the message ("data_type")
     * @param value the value (null is treated as empty)
     * @param maxLength the cap in chars
     * @param required whether an empty or blank value is a problem
     * @return e.g. "data_type contains control character U+001F at index 3"
     */
    public static Optional<String> problem(String field, String value, int maxLength, boolean required) {
        String text = value == null ? "" : value;
        if (text.length() > maxLength) {
            return Optional.of(field + " is " + text.length() + " characters long, the limit is " + maxLength);
        }
        if (required && text.isBlank()) {
            return Optional.of(field + " is " + (text.isEmpty() ? "missing" : "blank"));
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                return Optional.of(field + " contains control character " + codePoint(c) + " at index " + i);
            }
            if (c == '\u2028' || c == '\u2029') {
                return Optional.of(field + " contains line separator " + codePoint(c) + " at index " + i);
            }
        }
        return Optional.empty();
    }

    /** The problem with a required data type, or empty. */
    public static Optional<String> dataTypeProblem(String field, String value) {
        return problem(field, value, MAX_DATA_TYPE_LENGTH, true);
    }

    /** The problem with a required model name, or empty. */
    public static Optional<String> modelNameProblem(String field, String value) {
        return problem(field, value, MAX_MODEL_NAME_LENGTH, true);
    }

    /** The problem with an optional record key or id (empty is fine), or empty. */
    public static Optional<String> recordKeyProblem(String field, String value) {
        return problem(field, value, MAX_RECORD_KEY_LENGTH, false);
    }

    /**
     * The problem with a version, or empty.
     *
     * @param minimum the smallest acceptable version (1 when a version is required, 0 when 0 means "not set")
     */
    public static Optional<String> versionProblem(String field, long version, long minimum) {
        if (version < minimum) {
            return Optional.of(field + " " + version + " is below " + minimum);
        }
        if (version > MAX_VERSION) {
            return Optional.of(field + " " + version + " is above " + MAX_VERSION + " (2^53-1, the largest integer"
                    + " exact in JSON)");
        }
        return Optional.empty();
    }

    private static String codePoint(char c) {
        return String.format(Locale.ROOT, "U+%04X", (int) c);
    }
}
