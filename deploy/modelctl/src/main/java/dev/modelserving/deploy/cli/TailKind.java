package dev.modelserving.deploy.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ServingResult;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** What {@code modelctl tail} reads: each kind has its message type, its default topic and its line format. */
enum TailKind {
    RESULTS("results", "results", ServingResult.getDefaultInstance(), m -> MessageLines.result((ServingResult) m)),
    DEAD_LETTERS(
            "dead-letters",
            "dead-letters",
            DeadLetter.getDefaultInstance(),
            m -> MessageLines.deadLetter((DeadLetter) m)),
    EVENTS("events", "model-events", ModelEvent.getDefaultInstance(), m -> MessageLines.event((ModelEvent) m));

    private final String argument;
    private final String defaultTopic;
    private final Message prototype;
    private final Function<Message, String> format;

    TailKind(String argument, String defaultTopic, Message prototype, Function<Message, String> format) {
        this.argument = argument;
        this.defaultTopic = defaultTopic;
        this.prototype = prototype;
        this.format = format;
    }

    /** The serving job's default topic for this kind (its --results-topic, --dead-letter-topic, --events-topic). */
    String defaultTopic() {
        return defaultTopic;
    }

    /**
     * The readable line for a message's bytes, or a line saying why they are not a message of this kind.
     *
     * @param where the message's place, e.g. "results-0@17", named in the line about unreadable bytes
     */
    String line(byte[] value, String where) {
        String typeName = prototype.getDescriptorForType().getName();
        if (value == null || value.length == 0) {
            return "unreadable message at " + where + ": empty (not a " + typeName + ")";
        }
        if (value[0] == '{') {
            // A job run with --results-format json writes protobuf's JSON mapping (a protobuf message never starts
            // with '{': that would be field 15 as a deprecated group).
            Message.Builder builder = prototype.newBuilderForType();
            try {
                JsonFormat.parser().merge(new String(value, StandardCharsets.UTF_8), builder);
            } catch (InvalidProtocolBufferException e) {
                return "unreadable message at " + where + " (" + value.length + " bytes): not a " + typeName
                        + " in JSON: " + e.getMessage();
            }
            return format.apply(builder.build());
        }
        Message message;
        try {
            message = prototype.getParserForType().parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return "unreadable message at " + where + " (" + value.length + " bytes): not a " + typeName + ": "
                    + e.getMessage();
        }
        String unknown = UnknownFields.first(message);
        if (unknown != null) {
            return "unreadable message at " + where + " (" + value.length + " bytes): not a " + typeName + ": it has "
                    + unknown;
        }
        return format.apply(message);
    }

    /** Reads the command-line spelling: results, dead-letters, events. */
    static final class Converter implements ITypeConverter<TailKind> {
        @Override
        public TailKind convert(String value) {
            for (TailKind kind : values()) {
                if (kind.argument.equals(value.toLowerCase(Locale.ROOT))) {
                    return kind;
                }
            }
            throw new TypeConversionException("'" + value + "' is not one of " + spellings());
        }
    }

    /** The command-line spellings, e.g. for help. */
    static String spellings() {
        return Arrays.stream(values()).map(k -> k.argument).collect(Collectors.joining(", "));
    }
}
