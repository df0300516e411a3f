package dev.modelserving.job.it;

import static dev.modelserving.job.it.ServingChecks.assertScoredBy;
import static dev.modelserving.job.it.ServingChecks.eventFromEach;
import static dev.modelserving.job.it.ServingChecks.exactlyOnePerId;
import static dev.modelserving.job.it.ServingChecks.resultsFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import dev.modelserving.testkit.SelfSignedTls;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving job against a broker that accepts only SASL/PLAIN over TLS (key stores generated here): given its
 * credentials with {@code --kafka-properties}, it reads a published model and the records and writes results
 * (exactly-once: transactions over the secured listener), which a consumer with credentials reads; clients with a wrong
 * password or without TLS and SASL settings are refused.
 */
class SecuredKafkaIntegrationTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(LocalFlink.cluster());

    private static final String DATA_TYPE = "machine";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String JOB_PASSWORD = "job_password_7c1e";

    @TempDir
    static Path tlsDir;

    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.saslSsl(
                        SelfSignedTls.generate(tlsDir), Map.of("serving", JOB_PASSWORD, "tester", "tester_password_42"))
                .start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void theJobServesWithCredentialsFromAPropertiesFileAndClientsWithoutThemAreRefused() throws IOException {
        ServingTopics topics = ServingTopics.create(broker, "secured-keyed");
        Path jobProperties = dir.resolve("kafka-client.properties");
        Properties credentials = new Properties();
        credentials.putAll(broker.clientProperties("serving"));
        try (OutputStream out = Files.newOutputStream(jobProperties)) {
            credentials.store(out, "the serving job's Kafka client settings");
        }
        ServingJobConfig config = topics.config(
                Mode.KEYED,
                LocalFlink.SLOTS,
                "--kafka-properties",
                jobProperties.toString(),
                "--checkpoint-interval-ms",
                "500",
                "--delivery",
                "exactly-once");
        assertThat(config.toString()).doesNotContain(JOB_PASSWORD);
        Map<String, String> tester = broker.clientProperties("tester");

        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers(), tester);
                TopicReader<ServingResult> results = TopicReader.open(
                        broker.bootstrapServers(),
                        tester,
                        topics.results(),
                        ServingResult.parser(),
                        IsolationLevel.READ_COMMITTED);
                TopicReader<ModelEvent> events = TopicReader.open(
                        broker.bootstrapServers(),
                        tester,
                        topics.events(),
                        ModelEvent.parser(),
                        IsolationLevel.READ_COMMITTED);
                ServingJobRun job = ServingJobRun.start(config)) {
            RecordFeed feed = new RecordFeed(producer, topics.data(), DATA_TYPE, 21);

            producer.send(topics.models(), DATA_TYPE, RegressionModels.v2(DATA_TYPE));
            feed.streamUntil(events, eventFromEach(ModelEventType.ACTIVATED, 2, 1), "version 2 is active", WAIT);
            List<String> scored = feed.send("secured", 50);

            Map<String, ServingResult> byId = exactlyOnePerId(
                    results.awaitUntil("a result for every record sent", WAIT, resultsFor(feed.ids())), feed.ids());
            for (String id : scored) {
                assertScoredBy(byId.get(id), 2, feed.record(id));
            }
        }

        Map<String, String> wrongPassword = new HashMap<>(broker.clientProperties("serving", "not_the_password"));
        // TLS without SASL credentials. (A plaintext client is no probe: it reads the broker's TLS bytes as a response
        // size and allocates hundreds of MB, an OutOfMemoryError in this JVM when the heap is short: KAFKA-4493.)
        Map<String, String> noSecurity = new HashMap<>(broker.clientProperties("serving", "unused"));
        noSecurity.keySet().removeIf(key -> key.startsWith("sasl."));
        noSecurity.put("security.protocol", "SSL");
        noSecurity.put("default.api.timeout.ms", "5000");
        assertThatThrownBy(() -> TopicReader.open(
                                broker.bootstrapServers(),
                                noSecurity,
                                topics.results(),
                                ServingResult.parser(),
                                IsolationLevel.READ_COMMITTED)
                        .close())
                .as("a client without SASL credentials gets no answer")
                .isInstanceOf(TimeoutException.class);
        assertThatThrownBy(() -> TopicReader.open(
                                broker.bootstrapServers(),
                                wrongPassword,
                                topics.results(),
                                ServingResult.parser(),
                                IsolationLevel.READ_COMMITTED)
                        .close())
                .isInstanceOf(SaslAuthenticationException.class)
                .hasMessageContaining("Authentication failed")
                .hasMessageNotContaining("not_the_password");
    }
}
