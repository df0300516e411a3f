package dev.modelserving.deploy.cli;

import static dev.modelserving.deploy.cli.CliEvents.T0;
import static dev.modelserving.deploy.cli.CliEvents.event;
import static dev.modelserving.proto.ModelEventType.ACTIVATED;
import static dev.modelserving.proto.ModelEventType.SUPERSEDED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelStats;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code modelctl status} and {@code modelctl explain} on topics filled as a partitioned job with two subtasks would
 * fill them: stats of two versions of one data type and one of another, and results of each.
 */
class StatusAndExplainCommandsTest {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = CliTopics.broker("model-stats", "model-events", "results");
        long now = System.currentTimeMillis();
        List<byte[]> stats = new ArrayList<>();
        // an old run, outside the window: ignored
        stats.add(MergedStatsTest.stats("serve#0", now - 3_600_000, 999, 999, 1, 1, 1, 1, 1).toBuilder()
                .setModelVersion(9)
                .build()
                .toByteArray());
        for (String subtask : List.of("serve#0", "serve#1")) {
            // version 1's last snapshots, after version 2 replaced it
            stats.add(
                    MergedStatsTest.stats(subtask, now - 20_000, 10, 0, 1_000_000, 2e6, 3_000_000, 2_000_000, 3_000_000)
                            .toBuilder()
                            .setModelVersion(1)
                            .setServing(false)
                            .build()
                            .toByteArray());
        }
        stats.add(MergedStatsTest.stats("serve#0", now - 10_000, 40, 3, 500_000, 1e6, 9_000_000, 1_000_000, 4_500_000)
                .toByteArray());
        stats.add(MergedStatsTest.stats("serve#1", now - 10_000, 60, 1, 400_000, 1e6, 7_000_000, 1_200_000, 2_500_000)
                .toByteArray());
        stats.add(MergedStatsTest.stats("serve#0", now - 5_000, 100, 5, 500_000, 1e6, 9_000_000, 1_000_000, 4_500_000)
                .toByteArray());
        stats.add(ModelStats.newBuilder()
                .setDataType("sensor")
                .setModelName("fan")
                .setModelVersion(3)
                .setModelSha256("0011223344556677")
                .setServingSinceMillis(T0)
                .setRecords(7)
                .setScored(7)
                .setLatencyP50Nanos(100_000)
                .setLatencyP99Nanos(250_000)
                .setStatsUntilMillis(now - 1000)
                .setEmittedBy("serve#1")
                .setServing(true)
                .build()
                .toByteArray());
        stats.add(3, "not stats".getBytes(StandardCharsets.UTF_8));
        CliTopics.write(broker, "model-stats", "stats", stats);

        List<ModelEvent> events = new ArrayList<>();
        events.add(event(ACTIVATED, "wine", "tree", 1, 0, "loaded and validated", 0, "serve#0").toBuilder()
                .setDescriptorTopic("models")
                .setDescriptorPartition(0)
                .setDescriptorOffset(4)
                .setPublisherId("ci")
                .setModelSha256("aaaa")
                .build());
        events.add(event(SUPERSEDED, "wine", "tree", 1, 1, "superseded by tree@2", 60_000, "serve#0"));
        events.add(event(ACTIVATED, "wine", "tree", 2, 1, "loaded and validated", 60_000, "serve#0").toBuilder()
                .setPreviousModelName("tree")
                .setDescriptorTopic("models")
                .setDescriptorPartition(0)
                .setDescriptorOffset(7)
                .setPublisherId("alice")
                .setModelSha256("abcdef0123456789")
                .build());
        events.add(event(ACTIVATED, "sensor", "fan", 3, 0, "loaded and validated", 1000, "serve#1"));
        CliTopics.write(
                broker,
                "model-events",
                "events",
                events.stream().map(ModelEvent::toByteArray).toList());

        List<byte[]> results = new ArrayList<>();
        results.add(ServingResult.newBuilder()
                .setRecordId("w-1")
                .setDataType("wine")
                .setStatus(ServingStatus.SCORED)
                .setModelName("tree")
                .setModelVersion(2)
                .setModelSha256("abcdef0123456789")
                .addOutputs(5)
                .build()
                .toByteArray());
        results.add("junk".getBytes(StandardCharsets.UTF_8));
        results.add(ServingResult.newBuilder()
                .setRecordId("s-1")
                .setDataType("sensor")
                .setStatus(ServingStatus.NO_MODEL)
                .build()
                .toByteArray());
        CliTopics.write(broker, "results", "r", results);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static CliRunner.Result run(String command, String... extra) {
        List<String> args = new ArrayList<>(
                List.of(command, "--bootstrap-server", broker.bootstrapServers(), "--broker-timeout-ms", "10000"));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void statusShowsEachServingVersionMergedAcrossInstances() {
        CliRunner.Result result = run("status");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines).as(result.out()).hasSize(3);
        assertThat(lines.get(0))
                .matches("DATA TYPE +NOW +MODEL@VERSION +SHA256 +SERVING SINCE +RECORDS +FAILED"
                        + " +P50 MS +P99 MS +MAX MS +DRIFT \\(MAX PSI\\) +INSTANCES");
        assertThat(lines.get(1))
                .matches("sensor +\\* +fan@3 +001122334455 +2026-01-01T00:00:00Z +7 +0 +0\\.100"
                        + " +0\\.250 +0\\.000 +- +1");
        // serve#0's latest (105 records, 5 failed) + serve#1's (61, 1); p99 the larger of 4.5 ms and 2.5 ms
        assertThat(lines.get(2))
                .matches("wine +\\* +tree@2 +abcdef012345 +\\S+ +166 +6 +1\\.200 +4\\.500" + " +9\\.000 +- +2");
        assertThat(result.errLines())
                .singleElement()
                .asString()
                .isEqualTo("modelctl: skipped 1 unreadable message (not ModelStats): model-stats-0@3");
    }

    @Test
    void statusWithAllShowsTheVersionThatStoppedServing() {
        CliRunner.Result result = run("status", "--all", "--data-type", "wine");

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines).as(result.out()).hasSize(3);
        assertThat(lines.get(1)).matches("wine +\\* +tree@2 .*");
        assertThat(lines.get(2)).matches("wine +tree@1 +\\S+ +\\S+ +20 +0 .* +2");
    }

    @Test
    void explainNamesTheVersionItsActivationDescriptorPublisherAndPredecessor() {
        CliRunner.Result result = run("explain", "--record-id", "w-1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().lines().toList())
                .as(result.out())
                .containsSubsequence(
                        "record w-1 (data type wine): SCORED",
                        "  model:       tree version 2",
                        "  sha256:      abcdef0123456789",
                        "  activated:   2026-01-01T00:01:00Z (ACTIVATED, \"loaded and validated\", reported by serve#0)",
                        "  descriptor:  models-0@7",
                        "  publisher:   alice",
                        "  replaced:    tree version 1");
        assertThat(result.out()).contains("  result:      results-0@0 at ");
    }

    @Test
    void explainOfANoModelResultSaysSo() {
        CliRunner.Result result = run("explain", "--record-id", "s-1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("record s-1 (data type sensor): NO_MODEL")
                .contains("model:       none (no model served data type sensor)");
    }

    @Test
    void explainOfAnUnknownRecordFails() {
        CliRunner.Result result = run("explain", "--record-id", "nope");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("no result for record id 'nope' on topic results");
    }
}
