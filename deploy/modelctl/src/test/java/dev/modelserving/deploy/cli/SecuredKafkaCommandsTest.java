package dev.modelserving.deploy.cli;

import static dev.modelserving.deploy.cli.CliEvents.event;
import static dev.modelserving.deploy.cli.CliPmmlModels.nextTemperature;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import dev.modelserving.testkit.SelfSignedTls;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code publish}, {@code tail} and {@code list} with {@code --command-config} against a broker that accepts only
 * SASL/PLAIN over TLS; without the settings, with a wrong password or with a missing file: one line, exit code 1, no
 * password printed.
 */
class SecuredKafkaCommandsTest {

    private static final String PASSWORD = "publisher_pw_51d2";
    private static final String WRONG_PASSWORD = "wrong_pw_0b7e";

    @TempDir
    static Path tlsDir;

    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        EmbeddedKafkaBroker secured =
                EmbeddedKafkaBroker.saslSsl(SelfSignedTls.generate(tlsDir), Map.of("publisher", PASSWORD));
        broker = CliTopics.start(secured, secured.clientProperties("publisher"), "models", "model-events");
        CliTopics.write(
                broker,
                broker.clientProperties("publisher"),
                "model-events",
                "sensor",
                List.of(event(
                                ModelEventType.ACTIVATED,
                                "sensor",
                                "next-temperature",
                                3,
                                0,
                                "loaded and validated",
                                0,
                                "serve#1")
                        .toByteArray()));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private Path commandConfig(Map<String, String> properties) throws IOException {
        Properties file = new Properties();
        file.putAll(properties);
        Path path = dir.resolve("client-" + properties.hashCode() + ".properties");
        try (OutputStream out = Files.newOutputStream(path)) {
            file.store(out, "modelctl's Kafka client settings");
        }
        return path;
    }

    private List<String> publishArgs(String... extra) throws IOException {
        Path model = CliFiles.write(dir.resolve("next-temperature.pmml"), CliPmmlModels.NEXT_TEMPERATURE);
        Path samples = CliFiles.write(
                dir.resolve("samples.csv"),
                "id,temperature_c,fan_rpm,load_percent,expected\n" + "s1,55.0,1800,40,"
                        + nextTemperature(55.0, 1800, 40) + "\n");
        List<String> args = new ArrayList<>(List.of(
                "publish",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "models",
                "--model",
                model.toString(),
                "--name",
                "next-temperature",
                "--version",
                "3",
                "--data-type",
                "sensor",
                "--samples",
                samples.toString()));
        args.addAll(List.of(CliPmmlModels.FIELD_MAPS));
        args.addAll(List.of(extra));
        return args;
    }

    private static CliRunner.Result run(List<String> args) {
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void publishTailAndListWorkWithTheCommandConfig() throws Exception {
        Path config = commandConfig(broker.clientProperties("publisher"));

        CliRunner.Result published = run(publishArgs("--command-config", config.toString()));
        CliRunner.Result tail = CliRunner.run(
                "tail",
                "events",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--command-config",
                config.toString(),
                "--from-beginning",
                "--max-messages",
                "1");
        CliRunner.Result list = CliRunner.run(
                "list", "--bootstrap-server", broker.bootstrapServers(), "--command-config", config.toString());

        assertThat(published.exitCode()).as(published.err()).isZero();
        assertThat(published.out().strip())
                .isEqualTo("published next-temperature v3 (PMML, data type sensor) to models-0 at offset 0");
        ConsumerRecord<String, byte[]> record = CliTopics.readAll(
                        broker, broker.clientProperties("publisher"), "models", 1)
                .get(0);
        assertThat(ModelDescriptor.parseFrom(record.value()).getName()).isEqualTo("next-temperature");
        assertThat(tail.exitCode()).as(tail.err()).isZero();
        assertThat(tail.out()).contains("ACTIVATED", "next-temperature@3");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out().lines()).anyMatch(l -> l.matches("sensor +next-temperature +3 .*ACTIVATED"));
        for (CliRunner.Result result : List.of(published, tail, list)) {
            assertThat(result.out() + result.err()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void aWrongPasswordIsOneLineNamingTheBrokerAndTheFlag() throws Exception {
        Path config = commandConfig(broker.clientProperties("publisher", WRONG_PASSWORD));
        String expected = "modelctl: authentication failed against " + broker.bootstrapServers()
                + ": Invalid username or password; check --command-config";

        long start = System.nanoTime();
        CliRunner.Result published = run(publishArgs("--command-config", config.toString()));
        CliRunner.Result tail = CliRunner.run(
                "tail",
                "results",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--command-config",
                config.toString(),
                "--topic",
                "models");
        CliRunner.Result list = CliRunner.run(
                "list", "--bootstrap-server", broker.bootstrapServers(), "--command-config", config.toString());
        long took = System.nanoTime() - start;

        for (CliRunner.Result result : List.of(published, tail, list)) {
            assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
            assertThat(result.errLines()).containsExactly(expected);
            assertThat(result.out()).isEmpty();
            assertThat(result.err()).doesNotContain(WRONG_PASSWORD, PASSWORD);
        }
        assertThat(took)
                .as("refused at once, not after a timeout")
                .isLessThan(Duration.ofSeconds(30).toNanos());
    }

    @Test
    void withoutTheCommandConfigTheBrokerIsSilentAndTheLineSaysWhatToGive() throws Exception {
        long start = System.nanoTime();
        CliRunner.Result published = run(publishArgs());
        long publishTook = System.nanoTime() - start;
        CliRunner.Result tail = CliRunner.run(
                "tail", "events", "--bootstrap-server", broker.bootstrapServers(), "--broker-timeout-ms", "3000");

        assertThat(published.exitCode()).as(published.err()).isEqualTo(1);
        assertThat(published.errLines())
                .singleElement()
                .asString()
                .startsWith("modelctl: cannot publish to " + broker.bootstrapServers())
                .contains("brokers that require TLS or SASL look like this too: give their settings with"
                        + " --command-config")
                .doesNotContain("Exception");
        assertThat(publishTook).isLessThan(Duration.ofSeconds(25).toNanos());
        assertThat(tail.exitCode()).isEqualTo(1);
        assertThat(tail.errLines())
                .singleElement()
                .asString()
                .startsWith("modelctl: cannot read topic model-events from " + broker.bootstrapServers()
                        + ": no answer from the brokers within 3000 ms")
                .contains("--command-config");
    }

    @Test
    void aMissingCommandConfigFileIsOneLine() {
        Path missing = dir.resolve("absent.properties");
        CliRunner.Result tail = CliRunner.run(
                "tail",
                "events",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--command-config",
                missing.toString());
        CliRunner.Result remove = CliRunner.run(
                "remove",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--command-config",
                missing.toString(),
                "--data-type",
                "sensor",
                "--name",
                "next-temperature");

        for (CliRunner.Result result : List.of(tail, remove)) {
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.errLines())
                    .containsExactly(
                            "modelctl: cannot read --command-config " + missing + ": no such file or directory");
        }
    }
}
