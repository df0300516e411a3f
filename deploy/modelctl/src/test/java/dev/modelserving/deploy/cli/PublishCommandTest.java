package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.deploy.samples.SampleModels;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ValidationSample;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishCommandTest {

    private static EmbeddedKafkaBroker broker;

    @TempDir
    static Path samples;

    @BeforeAll
    static void start() throws Exception {
        broker = CliTopics.broker("models");
        assertThat(CliRunner.run("samples", "--out", samples.toString()).exitCode())
                .isZero();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Path sample(String name, int version) {
        return samples.resolve(name + "-v" + version + ".descriptor.pb");
    }

    @Test
    void publishesValidatedDescriptorsInOrderKeyedByDataType() throws Exception {
        CliRunner.Result result = CliRunner.run(
                "publish",
                "--bootstrap-server",
                broker.bootstrapServers(),
                sample(SampleModels.TEMPERATURE_FORECAST, 1).toString(),
                sample(SampleModels.TEMPERATURE_FORECAST, 2).toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("published temperature-forecast v1 (PMML, data type machine-features) to models-0")
                .contains("published temperature-forecast v2");

        List<ConsumerRecord<String, byte[]>> records = readModels(2);
        assertThat(records).extracting(ConsumerRecord::key).containsOnly("machine-features");
        assertThat(records)
                .extracting(r -> ModelDescriptor.parseFrom(r.value()))
                .containsExactly(
                        ModelDescriptor.parseFrom(Files.readAllBytes(sample(SampleModels.TEMPERATURE_FORECAST, 1))),
                        ModelDescriptor.parseFrom(Files.readAllBytes(sample(SampleModels.TEMPERATURE_FORECAST, 2))));
    }

    @Test
    void aModelThatFailsValidationIsNotPublished() throws Exception {
        ModelDescriptor good = ModelDescriptor.parseFrom(Files.readAllBytes(sample(SampleModels.OVERHEAT_TREE, 1)));
        ValidationSample tampered = good.getValidationSamples(0).toBuilder()
                .setExpectedLabel("maybe")
                .build();
        Path bad = Files.write(
                samples.resolve("bad.pb"),
                good.toBuilder().setValidationSamples(0, tampered).build().toByteArray());

        CliRunner.Result result = CliRunner.run(
                "publish", "--bootstrap-server", broker.bootstrapServers(), "--topic", "models", bad.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().strip())
                .startsWith("modelctl: ")
                .contains("not published")
                .contains("VALIDATION_FAILED")
                .doesNotContain("\n");
    }

    @Test
    void anUnreachableBrokerIsOneLine() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        CliRunner.Result result = CliRunner.run(
                "publish",
                "--bootstrap-server",
                "127.0.0.1:" + closedPort,
                sample(SampleModels.TEMPERATURE_FORECAST, 1).toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().strip())
                .startsWith("modelctl: cannot publish to 127.0.0.1:" + closedPort)
                .doesNotContain("\n")
                .doesNotContain("Exception");
    }

    private static List<ConsumerRecord<String, byte[]>> readModels(int atLeast) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "publish-test");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of("models"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < atLeast && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertThat(records).hasSizeGreaterThanOrEqualTo(atLeast);
        return records;
    }
}
