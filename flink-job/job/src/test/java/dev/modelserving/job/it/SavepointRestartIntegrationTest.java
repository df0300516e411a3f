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
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stop-with-savepoint and restart in a MiniCluster, in both modes: the restarted job serves the model it had,
 * without the model being published again (the model topic's offsets are in the savepoint, so nothing is re-read),
 * and every record gets exactly one result across the two runs. The restart uses another parallelism (2 then 1), so
 * keyed state is redistributed and the partitioned union state is merged.
 */
class SavepointRestartIntegrationTest extends ClusterAndBrokerPerClass {

    private static final String DATA_TYPE = "machine";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @ParameterizedTest
    @EnumSource(
            value = Mode.class,
            names = {"KEYED", "PARTITIONED"})
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void restartedFromASavepointTheJobServesTheSameModelWithoutRepublishing(Mode mode, @TempDir Path savepoints)
            throws Exception {
        ServingTopics topics = ServingTopics.create(broker, "savepoint-" + mode);
        int servingInstances = mode == Mode.KEYED ? 1 : LocalFlink.SLOTS;
        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<ServingResult> results = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.results(), ServingResult.parser());
                TopicReader<ModelEvent> events =
                        TopicReader.readUncommitted(broker.bootstrapServers(), topics.events(), ModelEvent.parser())) {
            RecordFeed feed = new RecordFeed(producer, topics.data(), DATA_TYPE, 14);

            String savepoint;
            try (ServingJobRun first = ServingJobRun.start(topics.config(mode, LocalFlink.SLOTS))) {
                producer.send(topics.models(), DATA_TYPE, RegressionModels.v2(DATA_TYPE));
                feed.streamUntil(
                        events,
                        eventFromEach(ModelEventType.ACTIVATED, 2, servingInstances),
                        "version 2 is active on every serving instance",
                        WAIT);
                List<String> beforeStop = feed.send("before-stop", 40);
                results.awaitUntil("results of the records sent before the stop", WAIT, resultsFor(beforeStop));
                savepoint = first.stopWithSavepoint(savepoints);
                assertThat(first.status()).isEqualTo(JobStatus.FINISHED);
            }
            assertThat(Path.of(URI.create(savepoint))).isDirectory();
            try (Stream<Path> files = Files.list(Path.of(URI.create(savepoint)))) {
                assertThat(files.map(p -> p.getFileName().toString())).contains("_metadata");
            }
            List<ModelEvent> eventsOfTheFirstRun =
                    events.readAvailable().stream().map(Consumed::value).toList();

            List<String> whileStopped = feed.send("while-stopped", 30);
            try (ServingJobRun second = ServingJobRun.restore(topics.config(mode, 1), savepoint)) {
                List<String> afterRestart = feed.send("after-restart", 30);
                Map<String, ServingResult> byId = exactlyOnePerId(
                        results.awaitUntil("a result for every record sent", WAIT, resultsFor(feed.ids())), feed.ids());
                for (String id : concat(whileStopped, afterRestart)) {
                    assertScoredBy(byId.get(id), 2, feed.record(id));
                }
                assertThat(second.status()).isEqualTo(JobStatus.RUNNING);
            }
            // The restored job neither re-read the model topic (which would give stale REJECTED events) nor
            // activated anything: its model came from the savepoint.
            assertThat(events.readAvailable())
                    .extracting(Consumed::value)
                    .containsExactlyElementsOf(eventsOfTheFirstRun);
            assertThat(eventsOfTheFirstRun).extracting(ModelEvent::getType).containsOnly(ModelEventType.ACTIVATED);
        }
    }
}
