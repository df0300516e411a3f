package dev.modelserving.job.it;

import static dev.modelserving.job.it.ServingChecks.eventFromEach;
import static dev.modelserving.job.it.ServingChecks.exactlyOnePerId;
import static dev.modelserving.job.it.ServingChecks.resultsFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Big models by reference in a running job (MiniCluster, one TaskManager with two slots, real broker, partitioned
 * mode so both subtasks serve the model): a multi-MB artifact published as a pinned location serves on both subtasks
 * from one shared instance, checkpoints stay small whatever the model's size, and a reference whose hash does not
 * match or that points outside the allowed roots is REJECTED with its reason while the job keeps running.
 */
class ReferencedModelsIntegrationTest extends ClusterAndBrokerPerClass {

    private static final String DATA_TYPE = "machine";
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** The target: a checkpoint costs at most this much per model version, whatever the model's size. */
    private static final long MAX_STATE_BYTES_PER_VERSION = 64 * 1024;

    @TempDir
    Path temp;

    /** Version 2's PMML padded with a comment to {@code bytes} (a multi-MB model that still scores the same). */
    private static byte[] bigArtifact(int bytes) {
        String pmml = new String(RegressionModels.artifact(2), StandardCharsets.UTF_8);
        int padding = Math.max(0, bytes - pmml.length() - 16);
        return pmml.replace("</PMML>", "<!--" + "x".repeat(padding) + "--></PMML>")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aReferencedModelIsSharedCheckpointedWithoutItsBytesAndBadReferencesAreRejected(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        Path root = Files.createDirectories(temp.resolve("models"));
        byte[] artifact = bigArtifact(6 * 1024 * 1024);
        Path published = Files.write(root.resolve("regression-v2.pmml"), artifact);
        Path outside = Files.write(temp.resolve("elsewhere.pmml"), artifact);
        ModelDescriptor inline = RegressionModels.v2(DATA_TYPE);
        ModelDescriptor referenced = inline.toBuilder()
                .clearArtifactBytes()
                .setArtifactLocation(published.toUri().toString())
                .setArtifactSha256(sha256(artifact))
                .build();
        ModelDescriptor mismatch = referenced.toBuilder()
                .setVersion(3)
                .setArtifactSha256(sha256(new byte[] {1}))
                .build();
        ModelDescriptor outsideLocal = referenced.toBuilder()
                .setVersion(4)
                .setArtifactLocation(outside.toString())
                .build();
        ModelDescriptor outsideUri = referenced.toBuilder()
                .setVersion(5)
                .setArtifactLocation("s3://models-bucket/../secrets/model.pmml")
                .build();

        ServingTopics topics = ServingTopics.create(broker, "referenced-models");
        int subtasks = LocalFlink.SLOTS;
        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<ServingResult> results = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.results(), ServingResult.parser());
                TopicReader<ModelEvent> events =
                        TopicReader.readUncommitted(broker.bootstrapServers(), topics.events(), ModelEvent.parser());
                ServingJobRun job = ServingJobRun.start(
                        topics.config(
                                Mode.PARTITIONED,
                                subtasks,
                                "--allowed-model-roots",
                                root + ",s3://models-bucket/models",
                                "--checkpoint-interval-ms",
                                "300",
                                "--model-cache-dir",
                                temp.resolve("cache").toString()),
                        cluster)) {
            RecordFeed feed = new RecordFeed(producer, topics.data(), DATA_TYPE, 21);
            producer.send(topics.models(), DATA_TYPE, referenced);
            feed.streamUntil(
                    events,
                    eventFromEach(ModelEventType.ACTIVATED, 2, subtasks),
                    "the referenced version 2 is active on every subtask",
                    WAIT);
            List<Consumed<ModelEvent>> activated =
                    events.awaitUntil("activations", WAIT, eventFromEach(ModelEventType.ACTIVATED, 2, subtasks));
            List<ModelEvent> activations = ServingChecks.events(activated, ModelEventType.ACTIVATED).stream()
                    .filter(e -> e.getModelVersion() == 2)
                    .toList();
            assertThat(activations).hasSize(subtasks);
            assertThat(activations)
                    .as("one subtask built the instance, the other shares it")
                    .extracting(ModelEvent::getSharedInstance)
                    .containsExactlyInAnyOrder(false, true);
            assertThat(activations)
                    .allSatisfy(e -> assertThat(e.getModelSha256()).isEqualTo(sha256(artifact)));

            // One after the other: a newer candidate would replace one still loading.
            Map<Long, String> reasons = new java.util.HashMap<>();
            for (ModelDescriptor bad : List.of(mismatch, outsideLocal, outsideUri)) {
                producer.send(topics.models(), DATA_TYPE, bad);
                feed.streamUntil(
                        events,
                        eventFromEach(ModelEventType.REJECTED, bad.getVersion(), subtasks),
                        "version " + bad.getVersion() + " rejected on every subtask",
                        WAIT);
                List<Consumed<ModelEvent>> read = events.awaitUntil(
                        "rejection", WAIT, eventFromEach(ModelEventType.REJECTED, bad.getVersion(), subtasks));
                List<String> rejections = ServingChecks.events(read, ModelEventType.REJECTED).stream()
                        .filter(e -> e.getModelVersion() == bad.getVersion())
                        .map(ModelEvent::getReason)
                        .distinct()
                        .toList();
                assertThat(rejections)
                        .as("reasons of version %d", bad.getVersion())
                        .hasSize(1);
                reasons.put(bad.getVersion(), rejections.get(0));
            }
            List<String> ids = feed.send("after-bad-references", 20);
            assertThat(reasons.get(3L)).startsWith("CHECKSUM_MISMATCH");
            assertThat(reasons.get(4L)).startsWith("LOCATION_NOT_ALLOWED").contains("outside the allowed roots");
            assertThat(reasons.get(5L)).startsWith("LOCATION_NOT_ALLOWED").contains("'..'");

            Map<String, ServingResult> byId = exactlyOnePerId(
                    results.awaitUntil("a result for every record", WAIT, resultsFor(feed.ids())), feed.ids());
            String referencedSha = sha256(artifact);
            for (String id : ids) {
                ServingResult result = byId.get(id);
                assertThat(result.getStatus()).as(id).isEqualTo(dev.modelserving.proto.ServingStatus.SCORED);
                assertThat(result.getModelVersion()).as(id).isEqualTo(2);
                assertThat(result.getModelSha256()).as(id).isEqualTo(referencedSha);
                double expected = RegressionModels.expected(2, feed.record(id));
                assertThat(result.getOutputs(0))
                        .as(id)
                        .isCloseTo(expected, org.assertj.core.data.Offset.offset(RegressionModels.tolerance(expected)));
            }

            long stateSize = awaitCompletedCheckpointStateSize(cluster, job);
            System.out.printf(
                    "referenced model of %d bytes: latest completed checkpoint holds %d bytes of state%n",
                    artifact.length, stateSize);
            assertThat(stateSize)
                    .as("checkpointed state with a %d-byte referenced model", artifact.length)
                    .isPositive()
                    .isLessThanOrEqualTo(MAX_STATE_BYTES_PER_VERSION);
            assertThat(job.restarts()).isZero();
        }
    }

    /** The state size of a checkpoint completed after the model became current (waits for one). */
    private static long awaitCompletedCheckpointStateSize(MiniCluster cluster, ServingJobRun job) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        long firstSeen = -1;
        while (System.nanoTime() < deadline) {
            AccessExecutionGraph graph = cluster.getExecutionGraph(job.jobId()).get(30, TimeUnit.SECONDS);
            CompletedCheckpointStats latest = graph.getCheckpointStatsSnapshot() == null
                    ? null
                    : graph.getCheckpointStatsSnapshot().getHistory().getLatestCompletedCheckpoint();
            if (latest != null) {
                if (firstSeen < 0) {
                    firstSeen = latest.getCheckpointId();
                } else if (latest.getCheckpointId() > firstSeen) {
                    return latest.getStateSize();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no checkpoint completed within " + WAIT);
    }
}
