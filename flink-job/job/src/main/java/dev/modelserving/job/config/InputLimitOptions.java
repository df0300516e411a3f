package dev.modelserving.job.config;

import dev.modelserving.flink.parse.ParseLimits;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/** Bounds the parsers put on hostile input: what a dead letter copies, payload sizes and deadlines. */
public final class InputLimitOptions {

    /** How many payload bytes a dead letter copies at most. */
    public static final ConfigOption<MemorySize> DEAD_LETTER_MAX_PAYLOAD_BYTES = ConfigOptions.key(
                    JobOptions.PREFIX + "dead-letter-max-payload-bytes")
            .memoryType()
            .defaultValue(new MemorySize(ParseLimits.DEFAULT_DEAD_LETTER_MAX_PAYLOAD_BYTES))
            .withDescription("A dead letter copies at most this prefix of its payload (SHA-256 and size describe"
                    + " the rest); below --max-request-bytes.");

    /** Largest model-topic payload parsed; absent: {@code --max-artifact-bytes} + 16 MiB. */
    public static final ConfigOption<MemorySize> MAX_DESCRIPTOR_BYTES = ConfigOptions.key(
                    JobOptions.PREFIX + "max-descriptor-bytes")
            .memoryType()
            .noDefaultValue()
            .withDescription("Larger model-topic payloads are dead letters, never parsed. Default:"
                    + " --max-artifact-bytes + 16 mb.");

    /** Largest deadline a speculative configuration may set. */
    public static final ConfigOption<Duration> MAX_DEADLINE_MS = ConfigOptions.key(
                    JobOptions.PREFIX + "max-deadline-ms")
            .durationType()
            .defaultValue(Duration.ofMillis(ParseLimits.DEFAULT_MAX_DEADLINE_MILLIS))
            .withDescription("Largest deadline_millis a speculative configuration may set; larger configurations"
                    + " are dead letters.");

    private InputLimitOptions() {}
}
