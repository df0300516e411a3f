package dev.modelserving.flink.parse;

import dev.modelserving.model.LoadPolicy;
import java.io.Serializable;

/**
 * The bounds the parsers apply to hostile input before anything else reads it.
 *
 * @param deadLetterMaxPayloadBytes how many payload bytes a dead letter copies at most ({@code
 *     --dead-letter-max-payload-bytes}); the rest is described by its size and SHA-256
 * @param maxDescriptorBytes largest model-topic payload parsed at all ({@code --max-descriptor-bytes}); checked on the
 *     raw bytes, so a huge payload is never parsed
 * @param maxDeadlineMillis largest {@code deadline_millis} of a speculative configuration ({@code --max-deadline-ms})
 */
public record ParseLimits(int deadLetterMaxPayloadBytes, long maxDescriptorBytes, long maxDeadlineMillis)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default of {@code --dead-letter-max-payload-bytes}: 64 KiB. */
    public static final int DEFAULT_DEAD_LETTER_MAX_PAYLOAD_BYTES = 64 * 1024;
    /** Room a descriptor has beyond its artifact (validation samples, labels, provenance): 16 MiB. */
    public static final long DESCRIPTOR_OVERHEAD_BYTES = 16L * 1024 * 1024;
    /** Default of {@code --max-deadline-ms}: one minute. */
    public static final long DEFAULT_MAX_DEADLINE_MILLIS = 60_000;

    public ParseLimits {
        if (deadLetterMaxPayloadBytes < 0) {
            throw new IllegalArgumentException("dead letter payload cap must not be negative");
        }
        if (maxDescriptorBytes < 1 || maxDeadlineMillis < 1) {
            throw new IllegalArgumentException("descriptor size and deadline caps must be positive");
        }
    }

    /** The default descriptor cap for artifacts of at most {@code maxArtifactBytes}: that plus 16 MiB. */
    public static long defaultMaxDescriptorBytes(long maxArtifactBytes) {
        return maxArtifactBytes > Long.MAX_VALUE - DESCRIPTOR_OVERHEAD_BYTES
                ? Long.MAX_VALUE
                : maxArtifactBytes + DESCRIPTOR_OVERHEAD_BYTES;
    }

    /** The defaults (descriptor cap from the default artifact cap). */
    public static ParseLimits defaults() {
        return new ParseLimits(
                DEFAULT_DEAD_LETTER_MAX_PAYLOAD_BYTES,
                defaultMaxDescriptorBytes(LoadPolicy.DEFAULT_MAX_ARTIFACT_BYTES),
                DEFAULT_MAX_DEADLINE_MILLIS);
    }
}
