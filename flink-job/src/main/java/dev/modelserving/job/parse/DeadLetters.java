package dev.modelserving.job.parse;

import com.google.protobuf.ByteString;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.job.io.RawRecord;
import dev.modelserving.proto.DeadLetter;
import org.apache.flink.util.OutputTag;

/** The dead-letter side output shared by every operator that refuses input, and the builder of its messages. */
public final class DeadLetters {

    /** Side output of refused input; operators emit to it with {@code ctx.output(DeadLetters.TAG, letter)}. */
    public static final OutputTag<DeadLetter> TAG = new OutputTag<>("dead-letters", ProtoTypeInfo.of(DeadLetter.class));

    private DeadLetters() {}

    /** A dead letter for a raw Kafka record: its bytes exactly as received, its origin, the reason and the time. */
    public static DeadLetter of(RawRecord raw, String reason, long timeMillis) {
        return of(raw.getPayload(), raw.getTopic(), raw.getPartition(), raw.getOffset(), reason, timeMillis);
    }

    /** A dead letter for bytes read from {@code topic}/{@code partition} at {@code offset}. */
    public static DeadLetter of(byte[] payload, String topic, int partition, long offset, String reason,
            long timeMillis) {
        return DeadLetter.newBuilder()
                .setPayload(ByteString.copyFrom(payload))
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setReason(reason)
                .setTimestampMillis(timeMillis)
                .build();
    }
}
