package dev.modelserving.deploy.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one topic for {@code list} and {@code tail}: every partition assigned by hand (no consumer group, nothing
 * committed), from the beginning or the end. Every call that needs the brokers gives up after the broker timeout,
 * so unreachable brokers are one {@link CliException} within that time instead of a hang.
 */
final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String bootstrapServers;
    private final Duration brokerTimeout;
    private final boolean configured;
    private String topic = "";

    private TopicReader(
            KafkaConsumer<byte[], byte[]> consumer,
            String bootstrapServers,
            Duration brokerTimeout,
            boolean configured) {
        this.consumer = consumer;
        this.bootstrapServers = bootstrapServers;
        this.brokerTimeout = brokerTimeout;
        this.configured = configured;
    }

    /**
     * A reader for these brokers.
     *
     * @throws CliException the bootstrap servers are not usable (e.g. no host resolves)
     */
    static TopicReader open(String bootstrapServers, Duration brokerTimeout) throws CliException {
        return open(bootstrapServers, brokerTimeout, Map.of(), false);
    }

    /**
     * A reader for these brokers that also uses these Kafka client properties (its own settings win).
     *
     * @param configured whether the properties came from {@code --command-config} (messages then point at it)
     * @throws CliException the bootstrap servers or the client properties are not usable
     */
    static TopicReader open(
            String bootstrapServers, Duration brokerTimeout, Map<String, String> clientProperties, boolean configured)
            throws CliException {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "modelctl");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(brokerTimeout.toMillis()));
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1, brokerTimeout.toMillis() / 2)));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try {
            return new TopicReader(new KafkaConsumer<>(props), bootstrapServers, brokerTimeout, configured);
        } catch (KafkaException e) {
            throw new CliException(
                    "cannot connect to " + bootstrapServers + ": " + rootMessage(e)
                            + (configured ? "; check " + CommandConfig.FLAG : ""),
                    e);
        }
    }

    /**
     * Assigns every partition of the topic, positioned at its beginning or its current end.
     *
     * @return the partitions
     * @throws CliException the topic does not exist, or the brokers did not answer in time
     */
    List<TopicPartition> assign(String topicName, boolean fromBeginning) throws CliException {
        this.topic = topicName;
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topicName, brokerTimeout);
        } catch (KafkaException e) {
            throw failure(e);
        }
        if (infos == null || infos.isEmpty()) {
            throw new CliException("topic " + topicName + " does not exist on " + bootstrapServers);
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
        partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        try {
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            // Settle the positions now, so that a message written from here on is read.
            partitions.forEach(p -> consumer.position(p, brokerTimeout));
        } catch (KafkaException e) {
            throw failure(e);
        }
        return partitions;
    }

    /** The end offsets of these partitions now (the offset the next message will get). */
    Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) throws CliException {
        try {
            return consumer.endOffsets(partitions, brokerTimeout);
        } catch (KafkaException e) {
            throw failure(e);
        }
    }

    /** The offset of the next message this reader will return from the partition. */
    long position(TopicPartition partition) throws CliException {
        try {
            return consumer.position(partition, brokerTimeout);
        } catch (KafkaException e) {
            throw failure(e);
        }
    }

    /** The messages that arrive within {@code wait} (none when the brokers are silent or gone). */
    ConsumerRecords<byte[], byte[]> poll(Duration wait) throws CliException {
        try {
            return consumer.poll(wait);
        } catch (KafkaException e) {
            throw failure(e);
        }
    }

    Duration brokerTimeout() {
        return brokerTimeout;
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }

    private CliException failure(KafkaException e) {
        Optional<CliException> refused = CommandConfig.refusal(bootstrapServers, e);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (e instanceof TimeoutException) {
            return new CliException(
                    "cannot read topic " + topic + " from " + bootstrapServers + ": no answer from"
                            + " the brokers within " + brokerTimeout.toMillis() + " ms ("
                            + CommandConfig.silenceHint(configured) + ")",
                    e);
        }
        return new CliException("cannot read topic " + topic + " from " + bootstrapServers + ": " + rootMessage(e), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message =
                root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return root == e ? message : e.getMessage() + " (" + message + ")";
    }
}
