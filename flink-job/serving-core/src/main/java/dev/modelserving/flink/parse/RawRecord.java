package dev.modelserving.flink.parse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One Kafka record exactly as consumed, before anything is parsed: the value bytes, the key bytes and where it came
 * from. A Flink POJO (public no-argument constructor, getters and setters), so Flink serializes it with its
 * {@code PojoSerializer}, never Kryo, and its state schema can evolve.
 *
 * <p>The value is never null: a Kafka tombstone (null value) arrives as an empty payload. The key is null when the
 * Kafka record had none.
 */
public class RawRecord {

    private byte[] payload = new byte[0];
    private byte[] key;
    private String topic = "";
    private int partition;
    private long offset;
    private long timestamp;

    /** For Flink's POJO serializer. */
    public RawRecord() {}

    /**
     * A record as read from Kafka.
     *
     * @param payload the value bytes (null is stored as empty)
     * @param key the key bytes, or null
     * @param topic the topic it was read from
     * @param partition its partition
     * @param offset its offset within the partition
     * @param timestamp the Kafka record timestamp, milliseconds since the Unix epoch (negative when the record has none)
     */
    public RawRecord(byte[] payload, byte[] key, String topic, int partition, long offset, long timestamp) {
        setPayload(payload);
        this.key = key;
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
    }

    /** The value bytes; empty for a tombstone or a zero-length value. */
    public byte[] getPayload() {
        return payload;
    }

    public void setPayload(byte[] payload) {
        this.payload = payload == null ? new byte[0] : payload;
    }

    /** The key bytes, or null. */
    public byte[] getKey() {
        return key;
    }

    public void setKey(byte[] key) {
        this.key = key;
    }

    /** The key decoded as UTF-8, or null when there is no key. */
    public String keyAsString() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    public int getPartition() {
        return partition;
    }

    public void setPartition(int partition) {
        this.partition = partition;
    }

    public long getOffset() {
        return offset;
    }

    public void setOffset(long offset) {
        this.offset = offset;
    }

    /** Kafka record timestamp in milliseconds since the Unix epoch; negative when the record carries none. */
    public long getTimestamp() {
        return timestamp;
    }

    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    /** Where the record came from, as {@code topic-partition-offset}; unique per Kafka record. */
    public String origin() {
        return topic + "-" + partition + "-" + offset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawRecord other
                && partition == other.partition
                && offset == other.offset
                && timestamp == other.timestamp
                && Objects.equals(topic, other.topic)
                && Arrays.equals(payload, other.payload)
                && Arrays.equals(key, other.key);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset, timestamp, Arrays.hashCode(payload), Arrays.hashCode(key));
    }

    @Override
    public String toString() {
        return "RawRecord{" + origin() + ", " + payload.length + " bytes, key "
                + (key == null ? "none" : key.length + " bytes") + ", timestamp " + timestamp + "}";
    }
}
