package dev.modelserving.job.it;

import static dev.modelserving.job.it.ServingChecks.assertScoredBy;
import static dev.modelserving.job.it.ServingChecks.concat;
import static dev.modelserving.job.it.ServingChecks.eventFromEach;
import static dev.modelserving.job.it.ServingChecks.events;
import static dev.modelserving.job.it.ServingChecks.resultsFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.job.trust.TestPublishers;
import dev.modelserving.model.Identifiers;
import dev.modelserving.model.trust.DescriptorSignatures;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The job with {@code --require-signatures} on Kafka and a MiniCluster: a signed model serves; forged, tampered,
 * unsigned, unknown-publisher and out-of-policy descriptors and a replayed signed rollback are each REJECTED with
 * their reason while the good model keeps scoring every record.
 */
class TrustedModelsIntegrationTest extends ClusterAndBrokerPerClass {

    private static final String DATA_TYPE = "machine";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(
            value = Mode.class,
            names = {"KEYED", "SPECULATIVE"})
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void onlyTrustedDescriptorsChangeWhatServes(Mode mode) throws Exception {
        ServingTopics topics = ServingTopics.create(broker, "trust-" + mode);
        String configTopic = topics.prefix() + "-config";
        broker.createTopics(ServingTopics.PARTITIONS, configTopic);
        TestPublishers publishers = new TestPublishers(DATA_TYPE, RegressionModels.NAME + "*");
        Path policy = publishers.writePolicy(dir);
        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<ServingResult> results = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.results(), ServingResult.parser());
                TopicReader<ModelEvent> events =
                        TopicReader.readUncommitted(broker.bootstrapServers(), topics.events(), ModelEvent.parser());
                ServingJobRun job = ServingJobRun.start(topics.config(
                        mode,
                        LocalFlink.SLOTS,
                        "--config-topic",
                        configTopic,
                        "--trust-policy",
                        policy.toString(),
                        "--require-signatures",
                        "true"))) {
            RecordFeed feed = new RecordFeed(producer, topics.data(), DATA_TYPE, 21);

            producer.send(topics.models(), DATA_TYPE, publishers.byCi(RegressionModels.v1(DATA_TYPE)));
            feed.streamUntil(events, eventFromEach(ModelEventType.ACTIVATED, 1, 1), "signed v1 serves", WAIT);
            ModelDescriptor signedV2 = publishers.byCi(RegressionModels.v2(DATA_TYPE));
            producer.send(topics.models(), DATA_TYPE, signedV2);
            feed.streamUntil(events, eventFromEach(ModelEventType.ACTIVATED, 2, 1), "signed v2 serves", WAIT);
            ModelDescriptor rollbackToV1 = publishers.byOps(command(ModelAction.ROLLBACK, 1, 3));
            producer.send(topics.models(), DATA_TYPE, rollbackToV1);
            feed.streamUntil(events, eventFromEach(ModelEventType.ROLLED_BACK, 1, 1), "rolled back to v1", WAIT);
            producer.send(topics.models(), DATA_TYPE, publishers.byOps(command(ModelAction.ROLLBACK, 2, 4)));
            feed.streamUntil(events, eventFromEach(ModelEventType.ROLLED_BACK, 2, 1), "rolled forward to v2", WAIT);
            List<String> before = feed.send("before", 30);

            // version -> what its REJECTED event must say
            Map<Long, String> attacks = new LinkedHashMap<>();
            ModelDescriptor v1 = RegressionModels.v1(DATA_TYPE);
            attacks.put(10L, "untrusted: the signature does not verify with any of the 1 key(s) [ci-key]");
            producer.send(
                    topics.models(),
                    DATA_TYPE,
                    DescriptorSignatures.sign(
                            v1.toBuilder().setVersion(10).build(), "ci", publishers.stranger.getPrivate()));
            // The largest version the parser lets through (a larger one is a dead letter before verification).
            attacks.put(Identifiers.MAX_VERSION, "changed after signing");
            producer.send(
                    topics.models(),
                    DATA_TYPE,
                    signedV2.toBuilder().setVersion(Identifiers.MAX_VERSION).build());
            attacks.put(11L, "untrusted: the descriptor is not signed");
            producer.send(
                    topics.models(), DATA_TYPE, v1.toBuilder().setVersion(11).build());
            attacks.put(12L, "untrusted: publisher 'mallory' is not in the trust policy");
            producer.send(
                    topics.models(),
                    DATA_TYPE,
                    DescriptorSignatures.sign(
                            v1.toBuilder().setVersion(12).build(), "mallory", publishers.stranger.getPrivate()));
            attacks.put(13L, "untrusted: publisher 'ci' may not publish model 'evil-model'");
            producer.send(
                    topics.models(),
                    DATA_TYPE,
                    publishers.byCi(
                            v1.toBuilder().setName("evil-model").setVersion(13).build()));
            attacks.put(14L, "untrusted: publisher 'ci' may not REMOVE");
            producer.send(topics.models(), DATA_TYPE, publishers.byCi(command(ModelAction.REMOVE, 0, 14)));
            attacks.put(3L, "stale: rollback command version 3 is not newer than version 4");
            producer.send(topics.models(), DATA_TYPE, rollbackToV1);
            List<String> around = feed.send("around", 30);

            feed.streamUntil(
                    events,
                    read -> attacks.entrySet().stream()
                            .allMatch(attack -> events(read, ModelEventType.REJECTED).stream()
                                    .anyMatch(e -> e.getModelVersion() == attack.getKey()
                                            && e.getReason().contains(attack.getValue()))),
                    "a REJECTED event with its reason for each untrusted or replayed descriptor",
                    WAIT);
            List<String> after = feed.send("after", 30);

            List<Consumed<ServingResult>> read = results.awaitUntil(
                    "a result for every record sent", WAIT, resultsFor(concat(before, around, after)));
            for (String id : concat(before, around, after)) {
                ServingResult result = read.stream()
                        .map(Consumed::value)
                        .filter(r -> r.getRecordId().equals(id))
                        .findFirst()
                        .orElseThrow();
                assertScoredBy(result, 2, feed.record(id));
            }
            List<Consumed<ModelEvent>> modelEvents = events.readAvailable();
            assertThat(events(modelEvents, ModelEventType.REJECTED))
                    .as("one rejection per attack")
                    .hasSize(attacks.size());
            assertThat(events(modelEvents, ModelEventType.REMOVED)).isEmpty();
            assertThat(events(modelEvents, ModelEventType.ACTIVATED))
                    .extracting(ModelEvent::getModelVersion)
                    .containsExactly(1L, 2L);
            assertThat(events(modelEvents, ModelEventType.ACTIVATED))
                    .extracting(ModelEvent::getPublisherId)
                    .containsOnly("ci");
            assertThat(events(modelEvents, ModelEventType.REJECTED))
                    .filteredOn(e -> e.getModelVersion() == 12L)
                    .singleElement()
                    .satisfies(e -> assertThat(e.getPublisherId()).isEqualTo("mallory"));
            assertThat(events(modelEvents, ModelEventType.REJECTED))
                    .filteredOn(e -> e.getModelVersion() == 3L)
                    .singleElement()
                    .satisfies(e -> assertThat(e.getPublisherId()).isEqualTo("ops"));
        }
    }

    private static ModelDescriptor command(ModelAction action, long target, long version) {
        return ModelDescriptor.newBuilder()
                .setDataType(DATA_TYPE)
                .setName(RegressionModels.NAME)
                .setAction(action)
                .setRollbackToVersion(target)
                .setVersion(version)
                .build();
    }
}
