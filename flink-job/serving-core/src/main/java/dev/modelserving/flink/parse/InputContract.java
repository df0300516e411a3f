package dev.modelserving.flink.parse;

import java.io.Serializable;
import java.util.Objects;

/**
 * What the record parser assumes about the bytes on the data topic: today the {@code --data-format}. Kept in the
 * parser's operator state, so a job restored from a savepoint or checkpoint taken under another contract refuses to
 * run (its Kafka offsets point into bytes of the other format, and protobuf would parse them anyway).
 *
 * <p>Stored as one string ({@link #encode()}: {@code data-format=<value>}), so later contract flags are added as
 * more {@code ;flag=value} parts without changing the state's type.
 *
 * @param format the encoding of the values on the data topic
 */
public record InputContract(RecordFormat format) implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final String FORMAT_KEY = "data-format=";

    public InputContract {
        Objects.requireNonNull(format, "format");
    }

    /** The contract as kept in state. */
    public String encode() {
        return FORMAT_KEY + format.flagValue();
    }

    /** How the contract reads as flags, for messages: {@code --data-format data-record}. */
    public String describe() {
        return "--data-format " + format.flagValue();
    }

    /** How an encoded contract (possibly from another build) reads as flags, for messages. */
    public static String describe(String encoded) {
        StringBuilder flags = new StringBuilder();
        for (String part : encoded.split(";")) {
            int eq = part.indexOf('=');
            if (flags.length() > 0) {
                flags.append(' ');
            }
            flags.append(eq < 0 ? part : "--" + part.substring(0, eq) + " " + part.substring(eq + 1));
        }
        return flags.toString();
    }

    /** The flag names of an encoded contract, for messages: {@code --data-format}. */
    public static String flagNames(String encoded) {
        StringBuilder flags = new StringBuilder();
        for (String part : encoded.split(";")) {
            int eq = part.indexOf('=');
            flags.append(flags.length() == 0 ? "" : " and ").append("--").append(eq < 0 ? part : part.substring(0, eq));
        }
        return flags.toString();
    }
}
