package dev.modelserving.job.hostile;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes hostile payloads to the job's input topics and returns where each one went ({@link Sent}), so every input
 * can be accounted for by its origin. Batches are sent asynchronously and then awaited (thousands of payloads in
 * seconds); {@code acks=all}, idempotent, and requests up to {@value #MAX_REQUEST_BYTES} bytes (payloads above
 * Kafka's 1 MiB default are part of the attack; the test broker accepts them).
 */
final class HostileProducer implements AutoCloseable {

    /** Largest request the producer sends (and the largest message the test broker accepts). */
    static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaProducer<byte[], byte[]> producer;

    HostileProducer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_REQUEST_BYTES));
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends one payload (any bytes) with a key (null: none) and waits for the broker's acknowledgement. */
    Sent send(String topic, String key, byte[] payload) {
        return sendAll(topic, key, List.of(payload)).get(0);
    }

    /** Sends every payload with the same key (null: none; records then spread over the partitions), in order. */
    List<Sent> sendAll(String topic, String key, List<byte[]> payloads) {
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        List<Future<RecordMetadata>> pending = new ArrayList<>(payloads.size());
        for (byte[] payload : payloads) {
            pending.add(producer.send(new ProducerRecord<>(topic, keyBytes, payload)));
        }
        producer.flush();
        List<Sent> sent = new ArrayList<>(payloads.size());
        try {
            for (int i = 0; i < payloads.size(); i++) {
                RecordMetadata written = pending.get(i).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                sent.add(new Sent(topic, written.partition(), written.offset(), payloads.get(i)));
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("sending " + payloads.size() + " payloads to " + topic + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic, e);
        }
        return sent;
    }

    @Override
    public void close() {
        producer.close(SEND_TIMEOUT);
    }
}
