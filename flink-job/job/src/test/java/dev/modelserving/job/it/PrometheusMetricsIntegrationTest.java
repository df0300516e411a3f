package dev.modelserving.job.it;

import static dev.modelserving.job.it.ServingChecks.eventFromEach;
import static dev.modelserving.job.it.ServingChecks.resultsFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.model.RepositoryRoot;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import dev.modelserving.testkit.LoopbackFlink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real Prometheus reporter ({@code flink-metrics-prometheus}) on a MiniCluster running the serving job with
 * exactly-once Kafka sinks: the endpoint of the running job shows the per model version series with their
 * {@code data_type}, {@code model} and {@code version} labels (a superseded version's series disappear), NO_MODEL per
 * data type, end-to-end latency and load time; every metric the Grafana dashboard queries is exported (or, for the
 * drift metrics, documented); every serving metric exported is in the README's table; and the job's log has no
 * metric name collision.
 */
class PrometheusMetricsIntegrationTest {

    private static final int PROMETHEUS_PORT = freePort();
    private static final String PREFIX = "flink_taskmanager_job_task_operator_";
    /** Reporters name a metric after its group path, the keys of key/value groups included (not their values). */
    private static final String PER_VERSION = PREFIX + "modelServing_data_type_model_version_";

    private static final String SCORED = PER_VERSION + "resultsScored";
    private static final String NO_MODEL = PREFIX + "modelServing_data_type_resultsNoModel";
    private static final String END_TO_END = PER_VERSION + "endToEndLatencyMillis";
    private static final String LOAD = PER_VERSION + "loadMillis";
    private static final Path REPO = RepositoryRoot.path();
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(cluster());

    private static EmbeddedKafkaBroker broker;

    private static MiniClusterResourceConfiguration cluster() {
        Configuration conf = LoopbackFlink.configuration();
        conf.set(
                ConfigOptions.key("metrics.reporter.prom.factory.class")
                        .stringType()
                        .noDefaultValue(),
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        conf.set(
                ConfigOptions.key("metrics.reporter.prom.port").stringType().noDefaultValue(),
                String.valueOf(PROMETHEUS_PORT));
        return new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(LocalFlink.SLOTS)
                .build();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaBroker().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @ParameterizedTest
    @EnumSource(
            value = Mode.class,
            names = {"KEYED", "PARTITIONED"})
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theEndpointOfARunningJobShowsEveryModelVersionWithLabelsAndTheDashboardQueriesExist(Mode mode)
            throws IOException {
        ServingTopics topics = ServingTopics.create(broker, "prometheus-" + mode);
        int servingInstances = mode == Mode.KEYED ? 1 : LocalFlink.SLOTS; // keyed: one data type, one subtask
        Set<String> exported = new TreeSet<>();
        ServingJobConfig config = topics.config(mode, LocalFlink.SLOTS, "--checkpoint-interval-ms", "300");
        // Data types of this run only: the cluster (and its endpoint) is shared by the runs of both modes. (The
        // reporter turns characters other than [a-zA-Z0-9_:] of label values into "_": no "-" here.)
        String dataType = "wine_" + mode.name().toLowerCase(java.util.Locale.ROOT);
        String unservedType = "unserved_" + mode.name().toLowerCase(java.util.Locale.ROOT);
        try (CapturedLog collisions = CapturedLog.containing("Name collision");
                ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<ServingResult> results = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.results(), ServingResult.parser());
                TopicReader<ModelEvent> events =
                        TopicReader.readUncommitted(broker.bootstrapServers(), topics.events(), ModelEvent.parser());
                ServingJobRun job = ServingJobRun.start(config)) {
            RecordFeed feed = new RecordFeed(producer, topics.data(), dataType, 21);
            RecordFeed unserved = new RecordFeed(producer, topics.data(), unservedType, 22);

            producer.send(topics.models(), dataType, RegressionModels.v1(dataType));
            feed.streamUntil(
                    events, eventFromEach(ModelEventType.ACTIVATED, 1, servingInstances), "version 1 is active", WAIT);
            List<String> timed = sendWithEventTime(feed, dataType, "timed", 30, 1500);
            unserved.send("orphan", 7);
            results.awaitUntil("the results of the timed records", WAIT, resultsFor(timed));

            Map<String, String> v1 = Map.of("data_type", dataType, "model", RegressionModels.NAME, "version", "1");
            PrometheusScrape first = awaitScrape(
                    "the version 1 series count every timed record",
                    s -> s.sum(SCORED, v1) >= timed.size() && s.sum(NO_MODEL, Map.of("data_type", unservedType)) == 7);
            exported.addAll(first.names());
            assertThat(first.find(SCORED, v1))
                    .as("a series per serving subtask")
                    .isNotEmpty()
                    .hasSizeLessThanOrEqualTo(servingInstances)
                    .allSatisfy(s -> assertThat(s.labels()).containsKeys("job_name", "subtask_index", "operator_name"));
            assertThat(first.find(END_TO_END, v1))
                    .as("end-to-end latency of records 1.5 s old")
                    .filteredOn(s -> "0.99".equals(s.labels().get("quantile")))
                    .isNotEmpty()
                    .allSatisfy(s -> assertThat(s.value()).isBetween(1500.0, 60_000.0));
            assertThat(first.find(LOAD, v1))
                    .as("the load time, on every subtask that activated version 1")
                    .hasSize(servingInstances)
                    .allSatisfy(s -> assertThat(s.value()).isBetween(0.0, 60_000.0));

            producer.send(topics.models(), dataType, RegressionModels.v2(dataType));
            feed.streamUntil(
                    events, eventFromEach(ModelEventType.ACTIVATED, 2, servingInstances), "version 2 is active", WAIT);
            List<String> after = feed.send("after", 20);
            results.awaitUntil("the results of the records sent after the swap", WAIT, resultsFor(after));
            Map<String, String> v2 = Map.of("data_type", dataType, "model", RegressionModels.NAME, "version", "2");
            PrometheusScrape second = awaitScrape(
                    "the version 2 series count the records sent after the swap",
                    s -> s.sum(SCORED, v2) >= after.size());
            exported.addAll(second.names());
            assertThat(second.any(s -> s.name().startsWith(PREFIX + "modelServing_")
                            && dataType.equals(s.labels().get("data_type"))
                            && "1".equals(s.labels().get("version"))))
                    .as("the superseded version's series are gone")
                    .isFalse();

            assertNoCollisionLeftInTheClusterLog(collisions.messages());
        }

        MetricsTable table = MetricsTable.read(REPO.resolve("README.md"));
        for (String name : exported) {
            if (name.startsWith(PREFIX + "modelServing_") || name.startsWith(PREFIX + "speculative_")) {
                String metric = name.substring(name.lastIndexOf('_') + 1);
                if (metric.equals("count")) {
                    continue; // the sample count of a histogram, next to the histogram itself
                }
                assertThat(table.names())
                        .as("README metrics table lists %s", name)
                        .contains(metric);
            }
        }
        assertDashboardQueriesExportedMetrics(exported, table);
    }

    /**
     * The job's own metrics never collide; the two duplicate registrations inside Flink and the Kafka connector are
     * dropped by the filter of the cluster's log configuration (and of the Kubernetes manifest), which lets every
     * other collision through.
     */
    private static void assertNoCollisionLeftInTheClusterLog(List<String> collisions) throws IOException {
        Properties log4j = new Properties();
        try (var in = Files.newInputStream(REPO.resolve("deploy/cluster/conf/log4j.properties"))) {
            log4j.load(in);
        }
        String regex = log4j.getProperty("appender.main.filter.collisions.regex");
        assertThat(regex)
                .as("the cluster's log filter of the upstream collisions")
                .isNotNull();
        assertThat(log4j.getProperty("appender.main.filter.collisions.onMatch")).isEqualTo("DENY");
        assertThat(Files.readString(REPO.resolve("deploy/k8s/flink-deployment.yaml")))
                .as("the Kubernetes log configuration filters the same warnings")
                .contains(regex);
        Pattern filtered = Pattern.compile(regex);
        assertThat(collisions)
                .as("collisions in the MiniCluster's log, each one filtered in the cluster's log")
                .allSatisfy(message -> assertThat(filtered.matcher(message).matches())
                        .as(message)
                        .isTrue());
        assertThat(filtered.matcher("Name collision: Group already contains a Metric with the name"
                                + " 'oversizedResultsFailed'. Metric will not be reported.[, taskmanager]")
                        .matches())
                .as("a collision of the job's own metrics would still be logged")
                .isFalse();
    }

    /** Records with an event time {@code ageMillis} in the past. */
    private static List<String> sendWithEventTime(
            RecordFeed feed, String dataType, String prefix, int count, long ageMillis) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            DataRecord.Builder record = DataRecord.newBuilder()
                    .setDataType(dataType)
                    .setId(prefix + "-" + i)
                    .setKey("machine-" + (i % 3))
                    .setEventTimeMillis(System.currentTimeMillis() - ageMillis);
            for (String feature : RegressionModels.FEATURES) {
                record.putFeatures(feature, (float) (i % 5) - 2f);
            }
            feed.send(record.build());
            ids.add(record.getId());
        }
        return ids;
    }

    private static PrometheusScrape awaitScrape(String what, Predicate<PrometheusScrape> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        PrometheusScrape scrape = PrometheusScrape.of(PROMETHEUS_PORT);
        while (!condition.test(scrape)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out after " + WAIT + " waiting for " + what + "; exported: " + scrape.names());
            }
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
            scrape = PrometheusScrape.of(PROMETHEUS_PORT);
        }
        return scrape;
    }

    /**
     * Every metric name in the dashboard's expressions is exported by the running job; the per-feature drift
     * metrics, which need a model with training statistics, must at least be in the README's table.
     */
    private static void assertDashboardQueriesExportedMetrics(Set<String> exported, MetricsTable table)
            throws IOException {
        JsonNode dashboard =
                new ObjectMapper().readTree(Files.readString(REPO.resolve("deploy/grafana/model-serving.json")));
        List<String> expressions = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> expressions.add(e.asText()));
        assertThat(expressions).as("the dashboard's queries").hasSizeGreaterThanOrEqualTo(6);
        Pattern metric = Pattern.compile("\\bflink_[a-zA-Z0-9_]+");
        Set<String> used = new TreeSet<>();
        for (String expression : expressions) {
            Matcher matcher = metric.matcher(expression);
            boolean any = false;
            while (matcher.find()) {
                used.add(matcher.group());
                any = true;
            }
            assertThat(any).as("expression names a metric: %s", expression).isTrue();
        }
        for (String name : used) {
            if (name.endsWith("_driftPsi") || name.endsWith("_inputsOutOfRange")) {
                String drift = name.substring(name.lastIndexOf('_') + 1);
                assertThat(table.names())
                        .as("drift metric %s documented", drift)
                        .contains(drift);
            } else {
                assertThat(exported)
                        .as("metric %s of the dashboard is exported", name)
                        .contains(name);
            }
        }
    }
}
