package dev.modelserving.deploy.cli;

import static dev.modelserving.deploy.cli.CliPmmlModels.nextTemperature;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.Checksums;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code publish --model}, {@code rollback} and {@code remove} against a real broker. */
class ModelTopicCommandsTest {

    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        broker = CliTopics.broker("from-file", "refused", "commands");
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private List<String> modelFlags(Path model, Path samples) {
        List<String> flags = new ArrayList<>(List.of(
                "--model",
                model.toString(),
                "--name",
                "next-temperature",
                "--version",
                "3",
                "--data-type",
                "sensor",
                "--description",
                "next temperature",
                "--samples",
                samples.toString(),
                "--tolerance",
                "1e-6",
                "--training-data",
                "seed-42",
                "--metric",
                "rmse=0.41"));
        flags.addAll(List.of(CliPmmlModels.FIELD_MAPS));
        return flags;
    }

    private static String[] args(List<String> head, List<String> tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(tail);
        return all.toArray(String[]::new);
    }

    /** Creation time is the only field that may differ between two runs. */
    private static ModelDescriptor withoutCreationTime(ModelDescriptor d) {
        return d.toBuilder()
                .setProvenance(d.getProvenance().toBuilder().clearCreatedAtEpochMillis())
                .build();
    }

    @Test
    void publishingAModelFileWithFlagsSendsWhatDescriptorWouldWrite() throws Exception {
        Path model = CliFiles.write(dir.resolve("next-temperature.pmml"), CliPmmlModels.NEXT_TEMPERATURE);
        Path samples = CliFiles.write(
                dir.resolve("samples.csv"),
                "id,temperature_c,fan_rpm,load_percent,expected\n"
                        + "s1,55.0,1800,40," + nextTemperature(55.0, 1800, 40) + "\n"
                        + "s2,71.5,1200,95," + nextTemperature(71.5, 1200, 95) + "\n");
        Path file = dir.resolve("next-temperature.desc");
        CliRunner.Result written =
                CliRunner.run(args(List.of("descriptor", "--out", file.toString()), modelFlags(model, samples)));
        assertThat(written.exitCode()).as(written.err()).isZero();

        CliRunner.Result published = CliRunner.run(args(
                List.of("publish", "--bootstrap-server", broker.bootstrapServers(), "--topic", "from-file"),
                modelFlags(model, samples)));

        assertThat(published.exitCode()).as(published.err()).isZero();
        assertThat(published.out().strip())
                .isEqualTo("published next-temperature v3 (PMML, data type sensor) to from-file-0 at offset 0");
        ConsumerRecord<String, byte[]> record =
                CliTopics.readAll(broker, "from-file", 1).get(0);
        assertThat(record.key()).isEqualTo("sensor");
        ModelDescriptor sent = ModelDescriptor.parseFrom(record.value());
        assertThat(sent.getArtifactSha256()).isEqualTo(Checksums.sha256Hex(Files.readAllBytes(model)));
        assertThat(sent.getValidationSamplesCount()).isEqualTo(2);
        assertThat(sent.getValidationTolerance()).isEqualTo(1e-6);
        assertThat(sent.getProvenance().getCreatedAtEpochMillis()).isPositive();
        assertThat(withoutCreationTime(sent)).isEqualTo(withoutCreationTime(CliFiles.readDescriptor(file)));
    }

    @Test
    void aModelFileThatFailsItsSamplesIsNotPublished() throws Exception {
        Path model = CliFiles.write(dir.resolve("next-temperature.pmml"), CliPmmlModels.NEXT_TEMPERATURE);
        Path samples = CliFiles.write(
                dir.resolve("wrong.csv"),
                "id,temperature_c,fan_rpm,load_percent,expected\n" + "s1,55.0,1800,40,"
                        + (nextTemperature(55.0, 1800, 40) + 1) + "\n");

        CliRunner.Result result = CliRunner.run(args(
                List.of("publish", "--bootstrap-server", broker.bootstrapServers(), "--topic", "refused"),
                modelFlags(model, samples)));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err())
                .startsWith("modelctl: not published: validation sample 0")
                .doesNotContain("Exception");
        CliTopics.readAll(broker, "refused", 0);
    }

    @Test
    void publishNeedsDescriptorFilesOrAModelButNotBoth() throws Exception {
        Path model = CliFiles.write(dir.resolve("m.pmml"), CliPmmlModels.NEXT_TEMPERATURE);
        CliRunner.Result neither = CliRunner.run("publish", "--bootstrap-server", broker.bootstrapServers());
        CliRunner.Result both = CliRunner.run(
                "publish",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--model",
                model.toString(),
                "--name",
                "m",
                "--version",
                "1",
                "--data-type",
                "sensor",
                dir.resolve("some.desc").toString());
        CliRunner.Result incomplete = CliRunner.run(
                "publish", "--bootstrap-server", broker.bootstrapServers(), "--model", model.toString(), "--name", "m");

        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("nothing to publish");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("not both");
        assertThat(incomplete.exitCode()).isEqualTo(2);
        assertThat(incomplete.err()).contains("--version", "--data-type");
    }

    @Test
    void rollbackAndRemoveSendCommandDescriptorsKeyedByDataType() throws Exception {
        CliRunner.Result rollback = CliRunner.run(
                "rollback",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "commands",
                "--data-type",
                "sensor",
                "--name",
                "temperature",
                "--to-version",
                "2",
                "--version",
                "5");
        CliRunner.Result remove = CliRunner.run(
                "remove",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "commands",
                "--data-type",
                "vibration",
                "--name",
                "spectrum",
                "--reason",
                "drifting",
                "--version",
                "7");

        assertThat(rollback.exitCode()).as(rollback.err()).isZero();
        assertThat(rollback.out().strip())
                .isEqualTo("sent rollback of temperature to v2 as v5 (data type sensor) to commands-0 at offset 0");
        assertThat(remove.exitCode()).as(remove.err()).isZero();
        assertThat(remove.out().strip())
                .isEqualTo(
                        "sent removal of spectrum as v7 (data type vibration, reason: drifting) to commands-0 at offset 1");

        List<ConsumerRecord<String, byte[]>> records = CliTopics.readAll(broker, "commands", 2);
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("sensor", "vibration");
        assertThat(ModelDescriptor.parseFrom(records.get(0).value()))
                .isEqualTo(ModelDescriptor.newBuilder()
                        .setAction(ModelAction.ROLLBACK)
                        .setDataType("sensor")
                        .setName("temperature")
                        .setRollbackToVersion(2)
                        .setVersion(5)
                        .build());
        assertThat(ModelDescriptor.parseFrom(records.get(1).value()))
                .isEqualTo(ModelDescriptor.newBuilder()
                        .setAction(ModelAction.REMOVE)
                        .setDataType("vibration")
                        .setName("spectrum")
                        .setDescription("drifting")
                        .setVersion(7)
                        .build());
    }

    @Test
    void rollbackNeedsAVersionOfOneOrMore() {
        CliRunner.Result result = CliRunner.run(
                "rollback",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "commands",
                "--data-type",
                "sensor",
                "--name",
                "temperature",
                "--to-version",
                "0");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--to-version must be 1 or more");
    }

    @Test
    void removeToAnUnreachableBrokerIsOneLine() throws Exception {
        int port = CliTopics.closedPort();
        long start = System.nanoTime();
        CliRunner.Result result = CliRunner.run(
                "remove",
                "--bootstrap-server",
                "127.0.0.1:" + port,
                "--data-type",
                "sensor",
                "--name",
                "temperature",
                "--version",
                "2");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err())
                .startsWith("modelctl: cannot publish to 127.0.0.1:" + port)
                .doesNotContain("Exception");
        assertThat(result.out()).isEmpty();
        assertThat(System.nanoTime() - start)
                .isLessThan(java.time.Duration.ofSeconds(25).toNanos());
    }
}
