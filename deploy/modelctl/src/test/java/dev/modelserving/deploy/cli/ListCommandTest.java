package dev.modelserving.deploy.cli;

import static dev.modelserving.deploy.cli.CliEvents.event;
import static dev.modelserving.proto.ModelEventType.ACTIVATED;
import static dev.modelserving.proto.ModelEventType.REJECTED;
import static dev.modelserving.proto.ModelEventType.REMOVED;
import static dev.modelserving.proto.ModelEventType.ROLLED_BACK;
import static dev.modelserving.proto.ModelEventType.SUPERSEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.proto.ModelEvent;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code modelctl list} on a model-event topic filled as a partitioned job with two subtasks would fill it. */
class ListCommandTest {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = CliTopics.broker("model-events", "empty-events");
        List<ModelEvent> events = new ArrayList<>();
        for (String subtask : List.of("serve#0", "serve#1")) {
            events.add(event(ACTIVATED, "sensor", "temperature", 1, 0, "loaded and validated", 10, subtask));
        }
        for (String subtask : List.of("serve#0", "serve#1")) {
            events.add(
                    event(SUPERSEDED, "sensor", "temperature", 1, 1, "superseded by temperature@2", 60_000, subtask));
            events.add(event(ACTIVATED, "sensor", "temperature", 2, 1, "loaded and validated", 60_000, subtask));
        }
        for (String subtask : List.of("serve#1", "serve#0")) {
            events.add(
                    event(REJECTED, "sensor", "temperature", 2, 2, "stale: version 2 is not newer", 70_000, subtask));
        }
        events.add(event(ACTIVATED, "vibration", "spectrum", 1, 0, "loaded and validated", 0, "serve#0"));
        events.add(event(ACTIVATED, "vibration", "spectrum", 2, 1, "loaded and validated", 30_000, "serve#0"));
        events.add(event(ROLLED_BACK, "vibration", "spectrum", 1, 2, "rolled back", 90_000, "serve#0"));
        events.add(event(ACTIVATED, "audio", "beeps", 3, 0, "loaded and validated", 0, "serve#0"));
        events.add(event(REMOVED, "audio", "beeps", 3, 3, "drifting", 120_000, "serve#0"));
        List<byte[]> values =
                new ArrayList<>(events.stream().map(ModelEvent::toByteArray).toList());
        values.add(3, "not an event".getBytes(StandardCharsets.UTF_8));
        CliTopics.write(broker, "model-events", "events", values);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static CliRunner.Result list(String... extra) {
        List<String> args = new ArrayList<>(List.of("list", "--bootstrap-server", broker.bootstrapServers()));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void listsTheModelServingEachDataTypeNow() {
        CliRunner.Result result = list();

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).matches("DATA TYPE +MODEL +VERSION +SINCE +BY");
        assertThat(lines.get(1)).matches("audio +- +- +- +\\(no model: removed\\)");
        assertThat(lines.get(2)).matches("sensor +temperature +2 +2026-01-01T00:01:00Z +ACTIVATED");
        assertThat(lines.get(3)).matches("vibration +spectrum +1 +2026-01-01T00:01:30Z +ROLLED_BACK");
        assertThat(result.errLines())
                .singleElement()
                .asString()
                .isEqualTo("modelctl: skipped 1 unreadable message (not ModelEvents): model-events-0@3");
    }

    @Test
    void historyShowsOneLinePerChangeEvenWhenEverySubtaskReportedIt() {
        CliRunner.Result result = list("--history", "--data-type", "sensor");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines.get(1)).startsWith("sensor ");
        int start = lines.indexOf("sensor:");
        assertThat(start).isEqualTo(3);
        List<String> history = lines.subList(start + 1, lines.size());
        assertThat(history).hasSize(4);
        assertThat(history.get(0))
                .matches(" +2026-01-01T00:00:00.010Z +ACTIVATED +temperature +v1 +by - +\"loaded and"
                        + " validated\" \\(reported by 2 instances\\)");
        assertThat(history.get(1)).contains("SUPERSEDED", "v1", "superseded by temperature@2");
        assertThat(history.get(2)).contains("ACTIVATED", "v2");
        assertThat(history.get(3)).contains("REJECTED", "v2", "stale", "(reported by 2 instances)");
        assertThat(result.out()).doesNotContain("vibration", "audio");
    }

    @Test
    void anEmptyTopicSaysSo() {
        CliRunner.Result result = list("--events-topic", "empty-events");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().strip()).isEqualTo("no model events yet");
        CliRunner.Result otherType = list("--data-type", "radar");
        assertThat(otherType.out().strip()).isEqualTo("no model events yet for data type radar");
    }

    @Test
    void aMissingTopicIsOneLine() {
        CliRunner.Result result = list("--events-topic", "no-such-topic");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().strip())
                .isEqualTo("modelctl: topic no-such-topic does not exist on " + broker.bootstrapServers());
    }

    @Test
    void anUnreachableBrokerIsOneLineWithinTheTimeout() throws Exception {
        int port = CliTopics.closedPort();
        long start = System.nanoTime();
        CliRunner.Result result =
                CliRunner.run("list", "--bootstrap-server", "127.0.0.1:" + port, "--broker-timeout-ms", "2000");
        long took = System.nanoTime() - start;

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines())
                .singleElement()
                .asString()
                .startsWith("modelctl: cannot read topic model-events from 127.0.0.1:" + port)
                .contains("no answer from the brokers within 2000 ms")
                .doesNotContain("Exception");
        assertThat(result.out()).isEmpty();
        assertThat(took).isLessThan(Duration.ofSeconds(10).toNanos());
    }
}
