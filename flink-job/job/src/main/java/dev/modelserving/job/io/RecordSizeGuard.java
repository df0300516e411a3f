package dev.modelserving.job.io;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Makes a message fit in one Kafka produce request. A producer refuses a record above its {@code max.request.size}
 * (and a broker one above the topic's {@code max.message.bytes}); in a Flink sink that error fails the task, the
 * record is replayed after the restore, and the job never gets past it. So the serializer measures every record
 * (value + key + {@value #HEADROOM_BYTES} bytes for Kafka's batch and record headers) and, when it would not fit,
 * writes a smaller message that says what happened:
 *
 * <ul>
 *   <li>a {@link ServingResult} becomes a FAILED result with the same record id, key, data type and model, naming
 *       its size and the limit;</li>
 *   <li>a {@link ModelEvent} keeps its fields, with its reason cut;</li>
 *   <li>a {@link DeadLetter} keeps a shorter prefix of its payload (its SHA-256 and size still describe the whole
 *       payload) and a cut reason;</li>
 *   <li>any other message, or one still too large after that (e.g. a key near the limit), is not written
 *       ({@link Outcome#DROPPED}); the serializer logs and counts it.</li>
 * </ul>
 */
public final class RecordSizeGuard implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Room left for Kafka's batch header and record overhead (headers, varints, timestamps). */
    public static final int HEADROOM_BYTES = 512;

    /** What happened to a message. */
    public enum Outcome {
        /** It fits as it is. */
        FITS,
        /** A ServingResult replaced by a FAILED result. */
        RESULT_FAILED,
        /** A ModelEvent whose reason was cut. */
        EVENT_TRUNCATED,
        /** A DeadLetter whose payload (and reason) was cut further. */
        DEAD_LETTER_CUT,
        /** Nothing that fits could be made: not written. */
        DROPPED
    }

    /**
     * The message to write and what was done to it.
     *
     * @param message the message to write; empty when {@link Outcome#DROPPED}
     * @param outcome what was done
     * @param originalBytes the serialized size of the message as given
     */
    public record Fitted<T extends Message>(Optional<T> message, Outcome outcome, int originalBytes) {}

    private final int maxRequestBytes;

    /** @param maxRequestBytes the producers' {@code max.request.size} */
    public RecordSizeGuard(int maxRequestBytes) {
        if (maxRequestBytes <= HEADROOM_BYTES) {
            throw new IllegalArgumentException("max request bytes must be above " + HEADROOM_BYTES);
        }
        this.maxRequestBytes = maxRequestBytes;
    }

    /** The largest value (serialized message) that fits with a key of {@code keyBytes} bytes. */
    public int valueBudget(int keyBytes) {
        return maxRequestBytes - HEADROOM_BYTES - keyBytes;
    }

    /**
     * {@code message} if it fits with a key of {@code keyBytes} bytes, else a smaller stand-in (see the class
     * comment).
     */
    @SuppressWarnings("unchecked")
    public <T extends Message> Fitted<T> fit(T message, int keyBytes) {
        int size = message.getSerializedSize();
        int budget = valueBudget(keyBytes);
        if (size <= budget) {
            return new Fitted<>(Optional.of(message), Outcome.FITS, size);
        }
        Message smaller;
        Outcome outcome;
        if (message instanceof ServingResult result) {
            smaller = failed(result, size);
            outcome = Outcome.RESULT_FAILED;
        } else if (message instanceof ModelEvent event) {
            smaller = event.toBuilder()
                    .setReason(cut(
                            event.getReason(),
                            size - budget,
                            "the event was " + size + " bytes, above the Kafka request limit of " + maxRequestBytes
                                    + " bytes"))
                    .build();
            outcome = Outcome.EVENT_TRUNCATED;
        } else if (message instanceof DeadLetter letter) {
            smaller = cutDeadLetter(letter, size, budget);
            outcome = Outcome.DEAD_LETTER_CUT;
        } else {
            return new Fitted<>(Optional.empty(), Outcome.DROPPED, size);
        }
        if (smaller.getSerializedSize() > budget) {
            return new Fitted<>(Optional.empty(), Outcome.DROPPED, size);
        }
        return new Fitted<>(Optional.of((T) smaller), outcome, size);
    }

    private ServingResult failed(ServingResult result, int size) {
        return ServingResult.newBuilder()
                .setRecordId(result.getRecordId())
                .setKey(result.getKey())
                .setDataType(result.getDataType())
                .setStatus(ServingStatus.FAILED)
                .setModelName(result.getModelName())
                .setModelVersion(result.getModelVersion())
                .setModelSha256(result.getModelSha256())
                .setLatencyNanos(result.getLatencyNanos())
                .setEventTimeMillis(result.getEventTimeMillis())
                .setStrategy(result.getStrategy())
                .setError("the " + result.getStatus() + " result was " + size + " bytes, above the Kafka request"
                        + " limit of " + maxRequestBytes + " bytes (--max-request-bytes): outputs not written")
                .build();
    }

    private DeadLetter cutDeadLetter(DeadLetter letter, int size, int budget) {
        String note =
                "dead letter was " + size + " bytes, above the Kafka request limit of " + maxRequestBytes + " bytes";
        String reason = letter.getReason().length() > 1024
                ? cut(letter.getReason(), letter.getReason().length(), note)
                : letter.getReason();
        DeadLetter.Builder builder = letter.toBuilder().setReason(reason);
        int excess = builder.build().getSerializedSize() - budget;
        if (excess > 0) {
            int keep = Math.max(0, letter.getPayload().size() - excess - 16); // 16: the length varint may shrink
            builder.setPayload(letter.getPayload().substring(0, keep)).setPayloadTruncated(true);
            if (letter.getPayloadSize() == 0) {
                builder.setPayloadSize(letter.getPayload().size());
            }
        }
        if (builder.build().getSerializedSize() > budget) {
            builder.setPayload(ByteString.EMPTY)
                    .setPayloadTruncated(true)
                    .setReason(cut(reason, reason.length(), note));
        }
        return builder.build();
    }

    /**
     * {@code text} with at least {@code excessBytes} UTF-8 bytes less, ending with a note saying why; all of it is cut
     * (only the note remains) when that is not enough.
     */
    static String cut(String text, int excessBytes, String why) {
        String note = "... (cut: " + why + ")";
        long allowed = (long) utf8Length(text) - excessBytes - utf8Length(note);
        if (allowed <= 0) {
            return note.substring(4);
        }
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > allowed) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end) + note;
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
