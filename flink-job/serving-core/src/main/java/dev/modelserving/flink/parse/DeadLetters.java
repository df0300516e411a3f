package dev.modelserving.flink.parse;

import com.google.protobuf.ByteString;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.Checksums;
import dev.modelserving.proto.DeadLetter;
import org.apache.flink.util.OutputTag;

/**
 * The dead-letter side output shared by every operator that refuses input, and the builder of its messages. A dead
 * letter copies at most a prefix of the payload (the rest is described by its size and SHA-256), and a reason of at
 * most {@value #MAX_REASON_CHARS} chars: a refused multi-megabyte payload must not become a record the Kafka sink
 * cannot write.
 */
public final class DeadLetters {

    /** Side output of refused input; operators emit to it with {@code ctx.output(DeadLetters.TAG, letter)}. */
    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters", ProtoTypeInfo.of(DeadLetter.class));

    /** Longest reason kept (chars); a longer one is cut and says so. */
    public static final int MAX_REASON_CHARS = 4096;

    private DeadLetters() {}

    /** A dead letter for a raw Kafka record with the default payload cap ({@link ParseLimits#defaults()}). */
    public static DeadLetter of(RawRecord raw, String reason, long timeMillis) {
        return of(raw, reason, timeMillis, ParseLimits.DEFAULT_DEAD_LETTER_MAX_PAYLOAD_BYTES);
    }

    /** A dead letter for a raw Kafka record: at most {@code maxPayloadBytes} of its bytes, its origin, reason, time. */
    public static DeadLetter of(RawRecord raw, String reason, long timeMillis, int maxPayloadBytes) {
        return of(
                raw.getPayload(),
                raw.getTopic(),
                raw.getPartition(),
                raw.getOffset(),
                reason,
                timeMillis,
                maxPayloadBytes);
    }

    /** A dead letter for bytes read from {@code topic}/{@code partition} at {@code offset}, default payload cap. */
    public static DeadLetter of(
            byte[] payload, String topic, int partition, long offset, String reason, long timeMillis) {
        return of(
                payload,
                topic,
                partition,
                offset,
                reason,
                timeMillis,
                ParseLimits.DEFAULT_DEAD_LETTER_MAX_PAYLOAD_BYTES);
    }

    /**
     * A dead letter for bytes read from {@code topic}/{@code partition} at {@code offset}, copying at most
     * {@code maxPayloadBytes} of them; the SHA-256 and size always describe the whole payload.
     */
    public static DeadLetter of(
            byte[] payload,
            String topic,
            int partition,
            long offset,
            String reason,
            long timeMillis,
            int maxPayloadBytes) {
        byte[] bytes = payload == null ? new byte[0] : payload;
        boolean truncated = bytes.length > maxPayloadBytes;
        return DeadLetter.newBuilder()
                .setPayload(truncated ? ByteString.copyFrom(bytes, 0, maxPayloadBytes) : ByteString.copyFrom(bytes))
                .setSourceTopic(topic == null ? "" : topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setReason(capReason(reason))
                .setTimestampMillis(timeMillis)
                .setPayloadSha256(Checksums.sha256Hex(bytes))
                .setPayloadSize(bytes.length)
                .setPayloadTruncated(truncated)
                .build();
    }

    /** {@code reason}, cut to {@value #MAX_REASON_CHARS} chars (saying how much was cut) when longer. */
    public static String capReason(String reason) {
        String text = reason == null ? "" : reason;
        if (text.length() <= MAX_REASON_CHARS) {
            return text;
        }
        // The suffix's length depends on the count it names: size it with the larger count, then name the real one.
        int kept = MAX_REASON_CHARS - ("... (" + text.length() + " more chars cut)").length();
        String suffix = "... (" + (text.length() - kept) + " more chars cut)";
        return text.substring(0, kept) + suffix;
    }
}
