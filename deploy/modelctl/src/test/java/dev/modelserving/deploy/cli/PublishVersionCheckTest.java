package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.deploy.samples.SampleModels;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code publish} checks each version against the model-event topic: one the job would reject as stale is published
 * with a warning, or refused with {@code --strict}; a newer one is published without a word.
 */
class PublishVersionCheckTest {

    private static final String MODEL = SampleModels.TEMPERATURE_FORECAST;

    private static EmbeddedKafkaBroker broker;

    @TempDir
    static Path samples;

    @BeforeAll
    static void start() throws Exception {
        broker = CliTopics.broker("models", "model-events");
        assertThat(CliRunner.run("samples", "--out", samples.toString()).exitCode())
                .isZero();
        String dataType = descriptor(1).getDataType();
        CliTopics.write(
                broker,
                "model-events",
                dataType,
                List.of(CliEvents.event(ModelEventType.ACTIVATED, dataType, MODEL, 1, 0, "loaded", 0, "s0")
                        .toByteArray()));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Path sample(int version) {
        return samples.resolve(MODEL + "-v" + version + ".descriptor.pb");
    }

    private static ModelDescriptor descriptor(int version) throws Exception {
        return ModelDescriptor.parseFrom(Files.readAllBytes(sample(version)));
    }

    @Test
    void aVersionTheJobAlreadyTookIsPublishedWithAWarning() {
        CliRunner.Result result = CliRunner.run(
                "publish",
                "--bootstrap-server",
                broker.bootstrapServers(),
                sample(1).toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("published " + MODEL + " v1");
        assertThat(result.err())
                .contains("modelctl: warning: model '" + MODEL + "'")
                .contains("v1 is not newer than v1")
                .contains("publish v2 or later");
    }

    @Test
    void strictRefusesAStaleVersionAndSendsNothing() {
        int before = CliTopics.readAvailable(broker, "models").size();

        CliRunner.Result result = CliRunner.run(
                "publish",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--strict",
                sample(1).toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().strip())
                .startsWith("modelctl: not published (--strict): model '" + MODEL + "'")
                .doesNotContain("\n");
        assertThat(CliTopics.readAvailable(broker, "models")).hasSize(before);
    }

    @Test
    void aNewerVersionIsPublishedWithoutWarning() {
        CliRunner.Result result = CliRunner.run(
                "publish",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--strict",
                sample(2).toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("published " + MODEL + " v2");
        assertThat(result.err()).doesNotContain("warning");
    }
}
