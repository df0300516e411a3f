package dev.modelserving.job.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.it.ServingJobRun;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.ModelAnswer;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.proto.SpeculativeConfig;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import dev.modelserving.testkit.LoopbackFlink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The speculative mode end to end: {@code ServingJob --mode speculative} on a MiniCluster against the in-process
 * Kafka broker, models of the test-only type {@link LabelModelFactory} (one of them deliberately slow).
 */
class SpeculativeIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(cluster());

    private static EmbeddedKafkaBroker broker;
    private static SpeculativeKafka kafka;

    @TempDir
    Path savepoints;

    private static MiniClusterResourceConfiguration cluster() {
        Configuration conf = LoopbackFlink.configuration();
        return new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build();
    }

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaBroker().start();
        kafka = new SpeculativeKafka(broker.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** The topics of one test (each test has its own job and topics). */
    private record Topics(String prefix) {
        Topics {
            broker.createTopics(
                    2,
                    prefix + "-records",
                    prefix + "-models",
                    prefix + "-configs",
                    prefix + "-results",
                    prefix + "-dead",
                    prefix + "-events",
                    prefix + "-stats");
        }

        String records() {
            return prefix + "-records";
        }

        String models() {
            return prefix + "-models";
        }

        String configs() {
            return prefix + "-configs";
        }

        String results() {
            return prefix + "-results";
        }

        ServingJobConfig config() {
            return config("0");
        }

        /** With checkpointing on (interval > 0) the sinks are exactly-once (Kafka transactions). */
        ServingJobConfig config(String checkpointIntervalMs) {
            return ServingJobConfig.fromArgs(
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--mode",
                    "speculative",
                    "--parallelism",
                    "2",
                    "--checkpoint-interval-ms",
                    checkpointIntervalMs,
                    "--data-topic",
                    records(),
                    "--model-topic",
                    models(),
                    "--config-topic",
                    configs(),
                    "--results-topic",
                    results(),
                    "--dead-letter-topic",
                    prefix + "-dead",
                    "--events-topic",
                    prefix + "-events",
                    "--stats-topic",
                    prefix + "-stats",
                    "--group-id",
                    prefix,
                    "--max-deadline-ms",
                    "120000");
        }
    }

    private static void publish(Topics topics, ModelDescriptor... models) {
        for (ModelDescriptor model : models) {
            kafka.send(topics.models(), model.getDataType(), model);
        }
    }

    private static void configure(Topics topics, SpeculativeConfig config) {
        kafka.send(topics.configs(), config.getDataType(), config);
    }

    private static void sendRecords(Topics topics, String dataType, String idPrefix, int count) {
        for (int i = 0; i < count; i++) {
            kafka.send(
                    topics.records(),
                    "k" + i,
                    DataRecord.newBuilder()
                            .setDataType(dataType)
                            .setKey("k" + i)
                            .setId(idPrefix + i)
                            .setEventTimeMillis(System.currentTimeMillis())
                            .putFeatures("x", i)
                            .build());
        }
    }

    /**
     * Sends probe records until one is answered under the expected strategy with {@code answersInTime} models that
     * scored it in time (the router reads models and configurations from other topics than the records, so their order
     * is not given, and a model still loading answers NO_MODEL in time).
     */
    private static void awaitReady(
            Topics topics,
            SpeculativeKafka.Reader<ServingResult> results,
            String dataType,
            DecisionStrategy strategy,
            int answersInTime) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        for (int probe = 0; ; probe++) {
            sendRecords(topics, dataType, "probe-" + probe + "-", 1);
            int sent = probe + 1;
            List<ServingResult> probes = batch(
                    results.until(
                            "the result of probe " + probe,
                            r -> batch(r, "probe-").size() >= sent,
                            TIMEOUT),
                    "probe-");
            if (probes.stream()
                    .anyMatch(r -> r.getStrategy().equals(strategy.name())
                            && r.getStatus() == ServingStatus.SCORED
                            && r.getAnswersList().stream()
                                            // A model still loading answers NO_MODEL in time: not ready.
                                            .filter(a -> a.getInTime() && a.getStatus() == ServingStatus.SCORED)
                                            .count()
                                    == answersInTime)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the job never answered with " + strategy + ": " + probes);
            }
        }
    }

    private static List<ServingResult> batch(List<ServingResult> results, String idPrefix) {
        return results.stream()
                .filter(r -> r.getRecordId().startsWith(idPrefix))
                .toList();
    }

    private static Map<String, ModelAnswer> answersByModel(ServingResult result) {
        return result.getAnswersList().stream()
                .collect(Collectors.toMap(ModelAnswer::getModelName, Function.identity()));
    }

    @Test
    void aSlowModelMissesTheDeadlineAndTheOthersAnswerEveryRequestInTime() throws Exception {
        Topics topics = new Topics("slow");
        String type = "slow-type";
        publish(
                topics,
                LabelModelFactory.descriptor(type, "fast-1", 1, "yes", 0.6, 0),
                LabelModelFactory.descriptor(type, "fast-2", 1, "yes", 0.7, 0),
                LabelModelFactory.descriptor(type, "smart-but-slow", 1, "no", 0.99, 1_000));
        configure(
                topics,
                SpeculativeConfig.newBuilder()
                        .setDataType(type)
                        .setVersion(1)
                        .setDeadlineMillis(500)
                        .setStrategy(DecisionStrategy.MAJORITY)
                        .build());
        try (ServingJobRun job = ServingJobRun.start(topics.config());
                var results = kafka.reader(topics.results(), ServingResult.parser())) {
            awaitReady(topics, results, type, DecisionStrategy.MAJORITY, 2);
            int count = 100;
            sendRecords(topics, type, "req-", count);
            List<ServingResult> answered = batch(
                    results.until(count + " results", r -> batch(r, "req-").size() >= count, TIMEOUT), "req-");
            assertThat(answered).hasSize(count);
            assertThat(answered.stream().map(ServingResult::getRecordId).distinct())
                    .hasSize(count);
            assertThat(answered).allSatisfy(r -> {
                assertThat(r.getStatus()).isEqualTo(ServingStatus.SCORED);
                assertThat(r.getLabel()).isEqualTo("yes");
                assertThat(r.getModelName()).isEqualTo("fast-2");
                Map<String, ModelAnswer> answers = answersByModel(r);
                assertThat(answers.get("fast-1").getInTime()).isTrue();
                assertThat(answers.get("fast-2").getInTime()).isTrue();
                assertThat(answers.get("smart-but-slow").getInTime()).isFalse();
            });
        }
    }

    @Test
    void majorityOutvotesTheMostConfidentModelAndConfigChangesApplyLive() throws Exception {
        Topics topics = new Topics("majority");
        String type = "vote-type";
        publish(
                topics,
                LabelModelFactory.descriptor(type, "a", 1, "yes", 0.6, 0),
                LabelModelFactory.descriptor(type, "b", 1, "no", 0.95, 0),
                LabelModelFactory.descriptor(type, "c", 1, "yes", 0.55, 0));
        configure(
                topics,
                SpeculativeConfig.newBuilder()
                        .setDataType(type)
                        .setVersion(1)
                        .setDeadlineMillis(5_000)
                        .setStrategy(DecisionStrategy.MAJORITY)
                        .build());
        try (ServingJobRun job = ServingJobRun.start(topics.config());
                var results = kafka.reader(topics.results(), ServingResult.parser())) {
            awaitReady(topics, results, type, DecisionStrategy.MAJORITY, 3);
            sendRecords(topics, type, "vote-", 20);
            List<ServingResult> votes =
                    batch(results.until("20 votes", r -> batch(r, "vote-").size() >= 20, TIMEOUT), "vote-");
            assertThat(votes).hasSize(20).allSatisfy(r -> {
                assertThat(r.getLabel()).isEqualTo("yes");
                assertThat(r.getModelName()).isEqualTo("a");
                assertThat(r.getStrategy()).isEqualTo("MAJORITY");
            });

            configure(
                    topics,
                    SpeculativeConfig.newBuilder()
                            .setDataType(type)
                            .setVersion(2)
                            .setDeadlineMillis(5_000)
                            .setStrategy(DecisionStrategy.BEST_CONFIDENCE)
                            .build());
            awaitReady(topics, results, type, DecisionStrategy.BEST_CONFIDENCE, 3);
            sendRecords(topics, type, "best-", 5);
            List<ServingResult> best =
                    batch(results.until("5 results", r -> batch(r, "best-").size() >= 5, TIMEOUT), "best-");
            assertThat(best).hasSize(5).allSatisfy(r -> {
                assertThat(r.getLabel()).isEqualTo("no");
                assertThat(r.getModelName()).isEqualTo("b");
            });
        }
    }

    @Test
    void shadowAnswersWithThePrimaryAndRecordsAgreement() throws Exception {
        Topics topics = new Topics("shadow");
        String type = "shadow-type";
        publish(
                topics,
                LabelModelFactory.descriptor(type, "primary", 1, "yes", 0.6, 0),
                LabelModelFactory.descriptor(type, "agrees", 1, "yes", 0.9, 0),
                LabelModelFactory.descriptor(type, "disagrees", 1, "no", 0.99, 0));
        configure(
                topics,
                SpeculativeConfig.newBuilder()
                        .setDataType(type)
                        .setVersion(1)
                        .setDeadlineMillis(5_000)
                        .setStrategy(DecisionStrategy.SHADOW)
                        .setPrimaryModel("primary")
                        .build());
        try (ServingJobRun job = ServingJobRun.start(topics.config());
                var results = kafka.reader(topics.results(), ServingResult.parser())) {
            awaitReady(topics, results, type, DecisionStrategy.SHADOW, 3);
            sendRecords(topics, type, "sh-", 10);
            List<ServingResult> shadowed =
                    batch(results.until("10 results", r -> batch(r, "sh-").size() >= 10, TIMEOUT), "sh-");
            assertThat(shadowed).hasSize(10).allSatisfy(r -> {
                assertThat(r.getModelName()).isEqualTo("primary");
                assertThat(r.getLabel()).isEqualTo("yes");
                Map<String, ModelAnswer> answers = answersByModel(r);
                assertThat(answers.get("agrees").getAgreesWithPrimary()).isTrue();
                assertThat(answers.get("disagrees").getAgreesWithPrimary()).isFalse();
                assertThat(answers.get("disagrees").getLabel()).isEqualTo("no");
            });
        }
    }

    @Test
    void requestsInFlightAtASavepointCompleteExactlyOnceAfterTheRestart() throws Exception {
        Topics topics = new Topics("savepoint");
        String type = "sp-type";
        publish(
                topics,
                LabelModelFactory.descriptor(type, "m1", 1, "yes", 0.6, 15),
                LabelModelFactory.descriptor(type, "m2", 1, "yes", 0.7, 15),
                LabelModelFactory.descriptor(type, "m3", 1, "no", 0.8, 15));
        configure(
                topics,
                SpeculativeConfig.newBuilder()
                        .setDataType(type)
                        .setVersion(1)
                        .setDeadlineMillis(120_000)
                        .setStrategy(DecisionStrategy.MAJORITY)
                        .build());
        ServingJobConfig config = topics.config("500");
        int count = 400;
        String savepoint;
        // Exactly-once: what a read_committed consumer sees. (At-least-once allows duplicates by definition: answers
        // drained after the savepoint's barrier are emitted, and their requests are scored again after the restore.)
        try (var results = kafka.readCommitted(topics.results(), ServingResult.parser())) {
            try (ServingJobRun job = ServingJobRun.start(config)) {
                awaitReady(topics, results, type, DecisionStrategy.MAJORITY, 3);
                sendRecords(topics, type, "sp-", count);
                results.until("the first results", r -> batch(r, "sp-").size() >= 20, TIMEOUT);
                savepoint = job.stopWithSavepoint(savepoints);
            }
            List<ServingResult> before = batch(results.drainFor(Duration.ofSeconds(1)), "sp-");
            assertThat(before.size())
                    .as("requests still in flight at the savepoint")
                    .isLessThan(count);
            try (ServingJobRun restored = ServingJobRun.restore(config, savepoint)) {
                results.until(
                        "every request",
                        r -> batch(r, "sp-").stream()
                                        .map(ServingResult::getRecordId)
                                        .distinct()
                                        .count()
                                >= count,
                        TIMEOUT);
                List<ServingResult> all = batch(results.drainFor(Duration.ofSeconds(2)), "sp-");
                assertThat(all).hasSize(count);
                assertThat(all.stream().map(ServingResult::getRecordId).distinct())
                        .hasSize(count);
                assertThat(all).allSatisfy(r -> {
                    assertThat(r.getStatus()).isEqualTo(ServingStatus.SCORED);
                    assertThat(r.getLabel()).isEqualTo("yes");
                    assertThat(r.getAnswersList()).allMatch(ModelAnswer::getInTime);
                });
            }
        }
    }
}
