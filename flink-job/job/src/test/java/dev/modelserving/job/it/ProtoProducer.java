package dev.modelserving.job.it;

import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes test input to Kafka one record at a time and waits for each acknowledgement ({@code acks=all}, one request
 * in flight), so the returned partition and offset are where the job will read the record from.
 */
final class ProtoProducer implements AutoCloseable {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<byte[], byte[]> producer;

    private ProtoProducer(KafkaProducer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    static ProtoProducer open(String bootstrapServers) {
        return open(bootstrapServers, Map.of());
    }

    /** A producer that also uses these client properties (e.g. a secured broker's credentials). */
    static ProtoProducer open(String bootstrapServers, Map<String, String> clientProperties) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new ProtoProducer(new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    /** Sends a protobuf message with a key (null: none) and returns where it was written. */
    RecordMetadata send(String topic, String key, Message message) {
        return sendBytes(topic, key, message.toByteArray());
    }

    /** Sends raw bytes (anything, even garbage or an empty value) with a key (null: none). */
    RecordMetadata sendBytes(String topic, String key, byte[] value) {
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        try {
            return producer.send(new ProducerRecord<>(topic, keyBytes, value))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("sending " + value.length + " bytes to " + topic + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic, e);
        }
    }

    @Override
    public void close() {
        producer.close(SEND_TIMEOUT);
    }
}
