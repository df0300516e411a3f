package dev.modelserving.deploy.kafka;

import com.google.protobuf.Message;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes protobuf messages to Kafka topics (acks=all, idempotent): descriptors, readings, records. A broker that
 * cannot be reached fails a send within {@link #SEND_TIMEOUT} instead of hanging.
 */
public final class ProtoPublisher implements AutoCloseable {

    public static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final KafkaProducer<String, byte[]> producer;

    public ProtoPublisher(String bootstrapServers, String clientId) {
        this(bootstrapServers, clientId, Map.of());
    }

    /**
     * A publisher that also uses these Kafka client properties (e.g. {@code security.protocol}, {@code sasl.*},
     * {@code ssl.*}); its own settings (brokers, acks, idempotence, timeouts, serializers) are applied after them.
     */
    public ProtoPublisher(String bootstrapServers, String clientId, Map<String, String> clientProperties) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(SEND_TIMEOUT.toMillis()));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(SEND_TIMEOUT.toMillis()));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(SEND_TIMEOUT.toMillis() / 2));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(props);
    }

    /** Sends without waiting (the feed's hot path); failures surface at {@link #flush()}. */
    public void send(String topic, String key, Message message) {
        producer.send(new ProducerRecord<>(topic, key, message.toByteArray()));
    }

    /**
     * Sends raw bytes without waiting; the future completes when the broker has them (or fails with the reason).
     * A null key writes a record without key.
     */
    public Future<RecordMetadata> sendAsync(String topic, String key, byte[] value) {
        return producer.send(new ProducerRecord<>(topic, key, value));
    }

    /** Sends raw bytes and waits until the broker has them; returns where they were written. */
    public RecordMetadata sendAndWait(String topic, String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value))
                    .get(SEND_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "could not send to " + topic + ": " + e.getCause().getMessage(), e);
        } catch (KafkaException | TimeoutException e) {
            throw new IllegalStateException("could not send to " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Sends a message and waits until the broker has it; returns where it was written. */
    public RecordMetadata sendAndWait(String topic, String key, Message message) {
        return sendAndWait(topic, key, message.toByteArray());
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
