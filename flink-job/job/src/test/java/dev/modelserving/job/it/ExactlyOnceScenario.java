package dev.modelserving.job.it;

import static dev.modelserving.job.it.ServingChecks.assertScoredBy;
import static dev.modelserving.job.it.ServingChecks.concat;
import static dev.modelserving.job.it.ServingChecks.eventFromEach;
import static dev.modelserving.job.it.ServingChecks.exactlyOnePerId;
import static dev.modelserving.job.it.ServingChecks.resultsFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once delivery in a MiniCluster: with checkpoints every 500 ms and {@code --delivery exactly-once}, the
 * task manager is killed mid-stream and the job recovers from its last checkpoint (replaying the records after it);
 * a {@code read_committed} consumer of the results topic still sees every record id exactly once.
 *
 * <p>Micro-batching is on with batches of up to 64 records or 200 ms, so when a checkpoint is taken and when the
 * task manager dies, records are held back in batches: the serving operators must flush them before every barrier
 * (records held across a checkpoint would be lost after the restore, their offsets being committed already).
 *
 * <p>One subclass per mode, each with its own MiniCluster (static {@code MiniClusterExtension}): the scenario kills
 * the cluster's first task manager, so it runs once per cluster.
 */
abstract class ExactlyOnceScenario extends BrokerPerClass {

    private static final String DATA_TYPE = "machine";
    private static final Duration WAIT = Duration.ofSeconds(90);

    /** The serving mode under test. */
    abstract Mode mode();

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void afterATaskManagerFailureAReadCommittedConsumerSeesEachRecordOnce(
            @InjectMiniCluster MiniCluster cluster, @TempDir Path checkpoints) throws Exception {
        Mode mode = mode();
        ServingTopics topics = ServingTopics.create(broker, "exactly-once-" + mode);
        int servingInstances = mode == Mode.KEYED ? 1 : LocalFlink.SLOTS;
        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<ServingResult> results =
                        TopicReader.readCommitted(broker.bootstrapServers(), topics.results(), ServingResult.parser());
                TopicReader<ModelEvent> events =
                        TopicReader.readCommitted(broker.bootstrapServers(), topics.events(), ModelEvent.parser());
                ServingJobRun job = ServingJobRun.start(topics.config(
                        mode,
                        LocalFlink.SLOTS,
                        "--checkpoint-interval-ms",
                        "500",
                        "--delivery",
                        "exactly-once",
                        "--checkpoint-dir",
                        checkpoints.toString(),
                        "--batch-size",
                        "64",
                        "--batch-timeout-us",
                        "200000"))) {
            RecordFeed feed = new RecordFeed(producer, topics.data(), DATA_TYPE, 15);
            producer.send(topics.models(), DATA_TYPE, RegressionModels.v2(DATA_TYPE));
            feed.streamUntil(
                    events,
                    eventFromEach(ModelEventType.ACTIVATED, 2, servingInstances),
                    "version 2 is active on every serving instance (committed)",
                    WAIT);

            List<String> beforeFailure = feed.send("before-failure", 80);
            results.awaitUntil(
                    "committed results of some records sent before the failure",
                    WAIT,
                    read -> read.stream()
                                    .filter(r -> r.value().getRecordId().startsWith("before-failure-"))
                                    .count()
                            >= 10);
            cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
            cluster.startTaskManager();
            List<String> afterFailure = feed.send("after-failure", 80);

            Map<String, ServingResult> byId = exactlyOnePerId(
                    results.awaitUntil("a committed result for every record sent", WAIT, resultsFor(feed.ids())),
                    feed.ids());
            for (String id : concat(beforeFailure, afterFailure)) {
                assertScoredBy(byId.get(id), 2, feed.record(id));
            }
            AccessExecutionGraph graph = cluster.getExecutionGraph(job.jobId()).get(30, TimeUnit.SECONDS);
            assertThat(StreamSupport.stream(graph.getAllExecutionVertices().spliterator(), false)
                            .map(v -> v.getCurrentExecutionAttempt().getAttemptNumber()))
                    .as("attempt numbers of the tasks: the job was restarted after the failure")
                    .allMatch(attempt -> attempt >= 1);
        }
    }
}
