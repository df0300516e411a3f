package dev.modelserving.deploy.cli;

import dev.modelserving.deploy.kafka.ProtoPublisher;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * A context topic of the sensor system (compacted, one value per key): writes a value or a tombstone under a key,
 * and reads the topic to its end as the job sees it (the last value per key; a tombstone removes the key).
 */
final class ContextTopic {

    private ContextTopic() {}

    /**
     * Writes {@code value} (null: a tombstone) under {@code key} and prints where it went.
     *
     * @throws CliException the brokers could not be reached or refused the record
     */
    static void write(ConsumerOptions brokers, String topic, String key, byte[] value, String what, PrintWriter out)
            throws CliException {
        try (ProtoPublisher publisher =
                new ProtoPublisher(brokers.bootstrapServer(), "modelctl", brokers.clientProperties())) {
            RecordMetadata written = publisher.sendAndWait(topic, key, value);
            out.printf("%s to %s-%d at offset %d%n", what, written.topic(), written.partition(), written.offset());
            out.flush();
        } catch (IllegalStateException | KafkaException e) {
            Optional<CliException> refused = CommandConfig.refusal(brokers.bootstrapServer(), e);
            if (refused.isPresent()) {
                throw refused.get();
            }
            throw new CliException("cannot publish to " + brokers.bootstrapServer() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The topic's current values by key, in the order the keys were first written: the last value per key, keys
     * whose last record is a tombstone left out. Records without a key are ignored.
     */
    static Map<String, byte[]> current(TopicReader reader, String topic) throws CliException {
        Map<String, byte[]> values = new LinkedHashMap<>();
        TopicToEnd.read(reader, topic, record -> {
            if (record.key() == null) {
                return;
            }
            String key = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
            if (record.value() == null) {
                values.remove(key);
            } else {
                values.put(key, record.value());
            }
        });
        return values;
    }
}
