package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Topic helpers for the CLI tests against an embedded broker: write raw values, read a whole topic. */
final class CliTopics {

    private CliTopics() {}

    /** Writes values (keyed) to partition 0 of the topic and waits for each. */
    static void write(EmbeddedKafkaBroker broker, String topic, String key, List<byte[]> values) throws Exception {
        write(broker, Map.of(), topic, key, values);
    }

    /** {@link #write(EmbeddedKafkaBroker, String, String, List)} with client properties (a secured broker's). */
    static void write(
            EmbeddedKafkaBroker broker,
            Map<String, String> clientProperties,
            String topic,
            String key,
            List<byte[]> values)
            throws Exception {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, 0, key, value)).get();
            }
        }
    }

    /** Every record of partition 0 of the topic, from the beginning; expects exactly {@code count}. */
    static List<ConsumerRecord<String, byte[]>> readAll(EmbeddedKafkaBroker broker, String topic, int count) {
        return readAll(broker, Map.of(), topic, count);
    }

    /** Every record of partition 0 of the topic written so far, from the beginning (any number). */
    static List<ConsumerRecord<String, byte[]>> readAvailable(EmbeddedKafkaBroker broker, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(10))
                    .get(partition);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** {@link #readAll(EmbeddedKafkaBroker, String, int)} with client properties (a secured broker's). */
    static List<ConsumerRecord<String, byte[]>> readAll(
            EmbeddedKafkaBroker broker, Map<String, String> clientProperties, String topic, int count) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(10))
                    .get(partition);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertThat(records).hasSize(count);
        return records;
    }

    /** A local port nothing listens on. */
    static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * A broker for one test class, with these topics (one partition each; auto-create is off). The topics are created
     * here rather than with {@link EmbeddedKafkaBroker#createTopics}, whose leader check can fail with "This server
     * does not host this topic-partition" right after creation: the consumer's offset lookup below retries until
     * every partition has a leader.
     */
    static EmbeddedKafkaBroker broker(String... topics) throws Exception {
        return start(new EmbeddedKafkaBroker(Map.of()), Map.of(), topics);
    }

    /**
     * Starts {@code unstarted} (e.g. a SASL_SSL broker) and creates these topics as {@link #broker(String...)} does,
     * as a client with these properties.
     */
    static EmbeddedKafkaBroker start(
            EmbeddedKafkaBroker unstarted, Map<String, String> clientProperties, String... topics) throws Exception {
        EmbeddedKafkaBroker broker = unstarted.start();
        Map<String, Object> adminProperties = new HashMap<>(clientProperties);
        adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(adminProperties)) {
            admin.createTopics(Arrays.stream(topics)
                            .map(t -> new NewTopic(t, 1, (short) 1))
                            .toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.endOffsets(
                    Arrays.stream(topics).map(t -> new TopicPartition(t, 0)).toList(), Duration.ofSeconds(30));
        }
        return broker;
    }
}
