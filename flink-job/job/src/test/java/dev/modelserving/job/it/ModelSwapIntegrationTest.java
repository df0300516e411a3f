package dev.modelserving.job.it;

import static dev.modelserving.job.it.ServingChecks.assertScoredBy;
import static dev.modelserving.job.it.ServingChecks.assertVersionsNeverGoBackPerPartition;
import static dev.modelserving.job.it.ServingChecks.concat;
import static dev.modelserving.job.it.ServingChecks.eventFromEach;
import static dev.modelserving.job.it.ServingChecks.events;
import static dev.modelserving.job.it.ServingChecks.exactlyOnePerId;
import static dev.modelserving.job.it.ServingChecks.resultsFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Live model swap through Kafka in a MiniCluster, in both modes: a new version takes over at one point while records
 * stream, and a corrupt version is rejected while the current one keeps serving.
 */
class ModelSwapIntegrationTest extends ClusterAndBrokerPerClass {

    private static final String DATA_TYPE = "machine";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @ParameterizedTest
    @EnumSource(
            value = Mode.class,
            names = {"KEYED", "PARTITIONED"})
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void resultsSwitchFromV1ToV2AtOnePointWithLineageAndOutputsOfTheirVersion(Mode mode) {
        ServingTopics topics = ServingTopics.create(broker, "swap-" + mode);
        int servingInstances = mode == Mode.KEYED ? 1 : LocalFlink.SLOTS; // keyed: one data type, one subtask
        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<ServingResult> results = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.results(), ServingResult.parser());
                TopicReader<ModelEvent> events =
                        TopicReader.readUncommitted(broker.bootstrapServers(), topics.events(), ModelEvent.parser());
                ServingJobRun job = ServingJobRun.start(topics.config(mode, LocalFlink.SLOTS))) {
            RecordFeed feed = new RecordFeed(producer, topics.data(), DATA_TYPE, 11);

            producer.send(topics.models(), DATA_TYPE, RegressionModels.v1(DATA_TYPE));
            feed.streamUntil(
                    events,
                    eventFromEach(ModelEventType.ACTIVATED, 1, servingInstances),
                    "version 1 is active on every serving instance",
                    WAIT);
            List<String> beforeV2 = feed.send("before", 60);
            results.awaitUntil(
                    "a result of a record sent before version 2",
                    WAIT,
                    read -> read.stream().anyMatch(r -> r.value().getRecordId().startsWith("before-")));
            producer.send(topics.models(), DATA_TYPE, RegressionModels.v2(DATA_TYPE));
            List<String> aroundV2 = feed.send("around", 60);
            feed.streamUntil(
                    events,
                    eventFromEach(ModelEventType.ACTIVATED, 2, servingInstances),
                    "version 2 is active on every serving instance",
                    WAIT);
            List<String> afterV2 = feed.send("after", 40);

            List<Consumed<ServingResult>> read =
                    results.awaitUntil("a result for every record sent", WAIT, resultsFor(feed.ids()));
            Map<String, ServingResult> byId = exactlyOnePerId(read, feed.ids());

            for (String id : concat(beforeV2, aroundV2, afterV2)) {
                ServingResult result = byId.get(id);
                assertThat(result.getModelVersion())
                        .as("version serving %s", id)
                        .isIn(1L, 2L);
                assertScoredBy(result, result.getModelVersion(), feed.record(id));
            }
            for (String id : afterV2) {
                assertThat(byId.get(id).getModelVersion())
                        .as("version serving %s, sent after version 2 was" + " active everywhere", id)
                        .isEqualTo(2L);
            }
            assertThat(beforeV2)
                    .as("records sent before version 2 was published, scored by version 1")
                    .anyMatch(id -> byId.get(id).getModelVersion() == 1L);
            assertThat(byId.values())
                    .as("every result (warm-up records may meet no model yet)")
                    .allSatisfy(r -> assertThat(r.getStatus()).isIn(ServingStatus.SCORED, ServingStatus.NO_MODEL));
            if (mode == Mode.KEYED) {
                // One data type: one subtask serves every record, so each results partition sees the switch once.
                assertVersionsNeverGoBackPerPartition(read);
            }

            List<Consumed<ModelEvent>> modelEvents = events.readAvailable();
            List<ModelEvent> activated = events(modelEvents, ModelEventType.ACTIVATED);
            assertThat(activated).hasSize(2 * servingInstances).allSatisfy(e -> {
                assertThat(e.getDataType()).isEqualTo(DATA_TYPE);
                assertThat(e.getModelName()).isEqualTo(RegressionModels.NAME);
                assertThat(e.getModelSha256()).isEqualTo(RegressionModels.sha256(e.getModelVersion()));
            });
            assertThat(activated)
                    .filteredOn(e -> e.getModelVersion() == 2)
                    .allSatisfy(e -> assertThat(e.getPreviousVersion()).isEqualTo(1L));
            assertThat(events(modelEvents, ModelEventType.SUPERSEDED))
                    .hasSize(servingInstances)
                    .allSatisfy(e -> assertThat(e.getModelVersion()).isEqualTo(1L));
            assertThat(events(modelEvents, ModelEventType.REJECTED)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Mode.class,
            names = {"KEYED", "PARTITIONED"})
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void corruptModelIsRejectedWithAReasonAndTheCurrentModelKeepsServing(Mode mode) {
        ServingTopics topics = ServingTopics.create(broker, "corrupt-" + mode);
        int servingInstances = mode == Mode.KEYED ? 1 : LocalFlink.SLOTS;
        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<ServingResult> results = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.results(), ServingResult.parser());
                TopicReader<ModelEvent> events =
                        TopicReader.readUncommitted(broker.bootstrapServers(), topics.events(), ModelEvent.parser());
                ServingJobRun job = ServingJobRun.start(topics.config(mode, LocalFlink.SLOTS))) {
            RecordFeed feed = new RecordFeed(producer, topics.data(), DATA_TYPE, 12);

            producer.send(topics.models(), DATA_TYPE, RegressionModels.v2(DATA_TYPE));
            feed.streamUntil(
                    events,
                    eventFromEach(ModelEventType.ACTIVATED, 2, servingInstances),
                    "version 2 is active on every serving instance",
                    WAIT);
            List<String> beforeCorrupt = feed.send("before", 40);
            producer.send(topics.models(), DATA_TYPE, RegressionModels.corrupt(DATA_TYPE, 3, 99));
            List<String> aroundCorrupt = feed.send("around", 40);
            feed.streamUntil(
                    events,
                    eventFromEach(ModelEventType.REJECTED, 3, servingInstances),
                    "version 3 is rejected on every serving instance",
                    WAIT);
            List<String> afterCorrupt = feed.send("after", 40);

            List<Consumed<ServingResult>> read =
                    results.awaitUntil("a result for every record sent", WAIT, resultsFor(feed.ids()));
            Map<String, ServingResult> byId = exactlyOnePerId(read, feed.ids());
            for (String id : concat(beforeCorrupt, aroundCorrupt, afterCorrupt)) {
                assertScoredBy(byId.get(id), 2, feed.record(id));
            }
            assertThat(byId.values()).as("no result failed").noneMatch(r -> r.getStatus() == ServingStatus.FAILED);

            List<Consumed<ModelEvent>> modelEvents = events.readAvailable();
            assertThat(events(modelEvents, ModelEventType.REJECTED))
                    .hasSize(servingInstances)
                    .allSatisfy(e -> {
                        assertThat(e.getModelName()).isEqualTo(RegressionModels.NAME);
                        assertThat(e.getModelVersion()).isEqualTo(3L);
                        assertThat(e.getDataType()).isEqualTo(DATA_TYPE);
                        assertThat(e.getPreviousVersion())
                                .as("the version serving when it was rejected")
                                .isEqualTo(2L);
                        assertThat(e.getReason()).as("reason of the rejection").startsWith("INVALID_ARTIFACT");
                    });
            assertThat(events(modelEvents, ModelEventType.ACTIVATED))
                    .as("activations")
                    .extracting(ModelEvent::getModelVersion)
                    .containsOnly(2L);
            assertThat(events(modelEvents, ModelEventType.SUPERSEDED)).isEmpty();
        }
    }
}
