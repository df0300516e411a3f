package dev.modelserving.job.io;

import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a protobuf message as one Kafka record: the value is the message's wire bytes, the key is a string taken
 * from the message (UTF-8; a null or empty key writes a record without key), the timestamp is the stream element's.
 *
 * @param <T> the message class
 */
public final class ProtoRecordSerializer<T extends Message> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, String> keyOf;

    /**
     * @param topic the topic every record goes to
     * @param keyOf the record key of a message, e.g. {@code ServingResult::getKey}; may return null or ""
     */
    public ProtoRecordSerializer(String topic, SerializableFunction<T, String> keyOf) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String key = keyOf.apply(element);
        byte[] keyBytes = key == null || key.isEmpty() ? null : key.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, timestamp, keyBytes, element.toByteArray());
    }

    /** The topic this serializer writes to. */
    public String topic() {
        return topic;
    }
}
