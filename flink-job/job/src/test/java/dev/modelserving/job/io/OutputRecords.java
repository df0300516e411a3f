package dev.modelserving.job.io;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What a job wrote to a topic, read back raw from the beginning by a consumer group of the test's own. */
final class OutputRecords {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private OutputRecords() {}

    /**
     * Reads {@code topic} until {@code expected} records arrived (or a minute passed), then polls once more briefly
     * to catch extras; the caller asserts on how many there are.
     *
     * @param isolation {@code read_committed} or {@code read_uncommitted}
     */
    static List<ConsumerRecord<byte[], byte[]>> read(
            String bootstrapServers, String topic, String isolation, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (read.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(read::add);
        }
        return read;
    }
}
