package dev.modelserving.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerTest {

    private static final int RECORDS = 200;

    @TempDir
    Path tlsDir;

    @Test
    void producesAndConsumesEveryRecordThenFreesItsPort() throws Exception {
        int port;
        try (EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker().start()) {
            port = kafka.port();
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            kafka.createTopics(3, "readings", "other");

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                assertThat(admin.describeTopics(List.of("readings"))
                                .allTopicNames()
                                .get()
                                .get("readings")
                                .partitions())
                        .hasSize(3)
                        .allSatisfy(p -> assertThat(p.leader()).isNotNull());
            }
            try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>("readings", "key-" + (i % 7), "value-" + i))
                            .get();
                }
            }
            Map<String, String> consumed = consumeAll(kafka.bootstrapServers(), "readings", RECORDS);

            assertThat(consumed).hasSize(RECORDS);
            for (int i = 0; i < RECORDS; i++) {
                assertThat(consumed).containsEntry("value-" + i, "key-" + (i % 7));
            }
        }
        assertPortIsFree(port);
    }

    @Test
    void creatingAnExistingTopicFailsWithItsName() {
        try (EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker().start()) {
            kafka.createTopics(1, "models");

            assertThatThrownBy(() -> kafka.createTopics(1, "models"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("models");
        }
    }

    @Test
    void aClosedBrokerRefusesUse() {
        EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker().start();
        kafka.close();
        kafka.close(); // idempotent

        assertThatThrownBy(kafka::bootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(kafka::start).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aSaslSslBrokerServesItsUsersTransactionsIncludedAndRefusesOthers() throws Exception {
        SelfSignedTls tls = SelfSignedTls.generate(tlsDir);
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.saslSsl(tls, Map.of("alice", "alice_secret"))
                .start()) {
            assertThat(kafka.secured()).isTrue();
            kafka.createTopics(2, "secured");
            Map<String, String> alice = kafka.clientProperties("alice");
            assertThat(alice).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");

            Properties transactional = new Properties();
            transactional.putAll(alice);
            transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "secured-tx");
            // Commit markers travel over the broker's own SASL_SSL listener: this fails if that is misconfigured.
            try (KafkaProducer<String, String> producer = producer(kafka.bootstrapServers(), transactional)) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>("secured", "key-" + (i % 3), "value-" + i));
                }
                producer.commitTransaction();
            }
            Properties readCommitted = new Properties();
            readCommitted.putAll(alice);
            readCommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            assertThat(consumeAll(kafka.bootstrapServers(), "secured", 20, readCommitted))
                    .hasSize(20);

            Properties wrongPassword = new Properties();
            wrongPassword.putAll(kafka.clientProperties("alice", "not_her_password"));
            try (KafkaConsumer<String, String> consumer = consumer(kafka.bootstrapServers(), wrongPassword)) {
                assertThatThrownBy(() -> consumer.partitionsFor("secured", Duration.ofSeconds(20)))
                        .isInstanceOf(SaslAuthenticationException.class)
                        .hasMessageContaining("Invalid username or password")
                        .hasMessageNotContaining("not_her_password");
            }
            try (KafkaConsumer<String, String> consumer = consumer(kafka.bootstrapServers(), new Properties())) {
                assertThatThrownBy(() -> consumer.partitionsFor("secured", Duration.ofSeconds(3)))
                        .as("a PLAINTEXT client gets no answer from a TLS listener")
                        .isInstanceOf(TimeoutException.class);
            }
        }
    }

    @Test
    void saslSslUsersMustBeSafeForTheJaasLine() {
        SelfSignedTls tls = new SelfSignedTls(tlsDir.resolve("k.p12"), "k", tlsDir.resolve("t.p12"), "t");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.saslSsl(tls, Map.of("bob", "pass\" user_eve=\"x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bob");
        assertThatThrownBy(() -> EmbeddedKafkaBroker.saslSsl(tls, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new EmbeddedKafkaBroker().clientProperties("anyone")).isEmpty();
        assertThat(tls.toString()).doesNotContain("k,", "t]");
    }

    private static KafkaProducer<String, String> producer(String bootstrapServers) {
        return producer(bootstrapServers, new Properties());
    }

    private static KafkaProducer<String, String> producer(String bootstrapServers, Properties extra) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** value -> key of every record, polling until {@code expected} arrived (bounded by the poll budget). */
    private static Map<String, String> consumeAll(String bootstrapServers, String topic, int expected) {
        return consumeAll(bootstrapServers, topic, expected, new Properties());
    }

    private static KafkaConsumer<String, String> consumer(String bootstrapServers, Properties extra) {
        Properties p = new Properties();
        p.putAll(extra);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private static Map<String, String> consumeAll(
            String bootstrapServers, String topic, int expected, Properties extra) {
        Map<String, String> byValue = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrapServers, extra)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (byValue.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (byValue.put(record.value(), record.key()) != null) {
                        duplicates.add(record.value());
                    }
                }
            }
        }
        assertThat(duplicates).isEmpty();
        return byValue;
    }

    private static void assertPortIsFree(int port) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }
}
