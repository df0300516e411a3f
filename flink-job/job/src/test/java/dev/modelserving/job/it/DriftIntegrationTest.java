package dev.modelserving.job.it;

import static dev.modelserving.job.it.ServingChecks.eventFromEach;
import static dev.modelserving.job.it.ServingChecks.events;
import static dev.modelserving.job.it.ServingChecks.resultsFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.model.drift.TrainingStatisticsBuilder;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Drift through Kafka in a MiniCluster: the PMML regressor (version 2 of {@link RegressionModels}) is published with
 * the training statistics of uniform features in [-3, 3); an undrifted stream produces no drift event, then a stream
 * whose {@code load_percent} is shifted by +3 produces exactly one DRIFT_DETECTED event for that feature and one for
 * the model's output (it weighs load_percent by 3), and none for the other features.
 */
class DriftIntegrationTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(LocalFlink.cluster());

    private static final String DATA_TYPE = "machine";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int WINDOW = 250;

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaBroker().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** Version 2 with the statistics of 5000 uniform training rows and its outputs on them. */
    private static ModelDescriptor trained() {
        Random random = new Random(5);
        TrainingStatisticsBuilder stats = new TrainingStatisticsBuilder();
        for (int i = 0; i < 5000; i++) {
            double[] x = new double[RegressionModels.FEATURES.size()];
            Map<String, Double> row = new LinkedHashMap<>();
            for (int f = 0; f < x.length; f++) {
                x[f] = (float) (-3.0 + 6.0 * random.nextDouble());
                row.put(RegressionModels.FEATURES.get(f), x[f]);
            }
            stats.add(row, RegressionModels.expected(2, x), null);
        }
        return RegressionModels.v2(DATA_TYPE).toBuilder()
                .setTrainingStatistics(stats.build("uniform rows"))
                .build();
    }

    /** Records with ids {@code prefix-i}, load_percent shifted by {@code shift}. */
    private static List<String> send(RecordFeed feed, Random random, String prefix, int count, double shift) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            DataRecord.Builder record = DataRecord.newBuilder()
                    .setDataType(DATA_TYPE)
                    .setId(prefix + "-" + i)
                    .setKey("machine-" + (i % 5));
            for (String feature : RegressionModels.FEATURES) {
                double value = -3.0 + 6.0 * random.nextDouble() + (feature.equals("load_percent") ? shift : 0);
                record.putFeatures(feature, (float) value);
            }
            feed.send(record.build());
            ids.add(record.getId());
        }
        return ids;
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aDriftedStreamProducesOneEventPerDriftedFeatureAndAnUndriftedOneNone() {
        ServingTopics topics = ServingTopics.create(broker, "drift");
        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<ServingResult> results = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.results(), ServingResult.parser());
                TopicReader<ModelEvent> events =
                        TopicReader.readUncommitted(broker.bootstrapServers(), topics.events(), ModelEvent.parser());
                ServingJobRun job = ServingJobRun.start(topics.config(
                        Mode.KEYED,
                        LocalFlink.SLOTS,
                        "--drift-window-records",
                        Integer.toString(WINDOW),
                        "--drift-threshold",
                        "0.2"))) {
            RecordFeed feed = new RecordFeed(producer, topics.data(), DATA_TYPE, 21);
            Random random = new Random(22);
            producer.send(topics.models(), DATA_TYPE, trained());
            feed.streamUntil(events, eventFromEach(ModelEventType.ACTIVATED, 2, 1), "version 2 is active", WAIT);

            List<String> undrifted = send(feed, random, "normal", 4 * WINDOW, 0);
            List<Consumed<ServingResult>> scored =
                    results.awaitUntil("a result for every undrifted record", WAIT, resultsFor(undrifted));
            assertThat(scored)
                    .filteredOn(r -> r.value().getRecordId().startsWith("normal-"))
                    .allSatisfy(r -> assertThat(r.value().getStatus()).isEqualTo(ServingStatus.SCORED));

            send(feed, random, "drifted", 4 * WINDOW, 3.0);
            List<Consumed<ModelEvent>> read = events.awaitUntil(
                    "two drift events",
                    WAIT,
                    all -> events(all, ModelEventType.DRIFT_DETECTED).size() >= 2);
            results.awaitUntil("a result for every record", WAIT, resultsFor(feed.ids()));
            read = events.readAvailable();
            // One keyed instance writes every event of the data type to one partition in order: a drift event of
            // the undrifted records would have arrived before these.
            List<ModelEvent> drift = events(read, ModelEventType.DRIFT_DETECTED);
            assertThat(drift)
                    .extracting(ModelEvent::getDriftFeature)
                    .containsExactlyInAnyOrder("load_percent", TrainingStatisticsBuilder.OUTPUT);
            assertThat(drift).allSatisfy(e -> {
                assertThat(e.getDataType()).isEqualTo(DATA_TYPE);
                assertThat(e.getModelName()).isEqualTo(RegressionModels.NAME);
                assertThat(e.getModelVersion()).isEqualTo(2);
                assertThat(e.getModelSha256()).isEqualTo(RegressionModels.sha256(2));
                assertThat(e.getDriftPsi()).isGreaterThan(0.2);
                assertThat(e.getDriftWindowRecords()).isEqualTo(WINDOW);
            });
            assertThat(drift)
                    .filteredOn(e -> e.getDriftFeature().equals("load_percent"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getDriftOutOfRange()).isPositive());
            assertThat(events(read, ModelEventType.DRIFT_CLEARED)).isEmpty();
        }
    }
}
