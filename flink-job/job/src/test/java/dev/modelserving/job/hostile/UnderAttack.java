package dev.modelserving.job.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Parser;
import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.it.Consumed;
import dev.modelserving.job.it.ServingJobRun;
import dev.modelserving.job.it.ServingTopics;
import dev.modelserving.job.it.TopicReader;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;

/**
 * One serving job under attack: its topics (records, models, speculative configs in; results, dead letters, model
 * events out), a producer of hostile input that remembers everything sent, readers of its three outputs, and the
 * checks every hostile test ends with: the good model still scores good records with the expected outputs, and the
 * job is RUNNING with 0 restarts. The job runs with checkpointing on (1 s), so it has a restart strategy that restarts
 * (a failure shows as a restart, not as a dead job), and with at-least-once sinks, so every output is visible at once.
 */
final class UnderAttack implements AutoCloseable {

    /** Parallelism of the jobs: the MiniCluster's slots. */
    static final int PARALLELISM = 2;

    /** How long a test waits for any one expected output. */
    static final Duration WAIT = Duration.ofSeconds(90);

    private static final Duration WARM_UP_ROUND = Duration.ofMillis(500);

    final ServingTopics topics;
    final String goodType;
    final HostileProducer producer;
    final TopicReader<ServingResult> results;
    final TopicReader<DeadLetter> deadLetters;
    final TopicReader<ModelEvent> events;
    final ServingJobRun job;
    /** Every payload sent to the records topic, in order. */
    final List<Sent> records = new ArrayList<>();

    private final Map<String, DataRecord> goodRecords = new HashMap<>();
    private final Random random = new Random(11);
    private int warmUpRounds;

    private UnderAttack(ServingTopics topics, String goodType, ServingJobConfig config, MiniCluster cluster) {
        this.topics = topics;
        this.goodType = goodType;
        this.producer = new HostileProducer(topics.bootstrapServers());
        this.results = reader(topics, topics.results(), ServingResult.parser());
        this.deadLetters = reader(topics, topics.deadLetters(), DeadLetter.parser());
        this.events = reader(topics, topics.events(), ModelEvent.parser());
        this.job = ServingJobRun.start(config, cluster);
    }

    /** Creates the topics of {@code name} and starts the job in {@code mode} with {@code moreFlags}. */
    static UnderAttack start(
            EmbeddedKafkaBroker broker,
            MiniCluster cluster,
            String name,
            String goodType,
            ServingJobConfig.Mode mode,
            String... moreFlags) {
        ServingTopics topics = ServingTopics.createWithConfigs(broker, name);
        List<String> flags = new ArrayList<>(List.of(
                "--config-topic", topics.configs(),
                "--checkpoint-interval-ms", "1000",
                "--delivery", "at-least-once"));
        flags.addAll(List.of(moreFlags));
        return new UnderAttack(
                topics, goodType, topics.config(mode, PARALLELISM, flags.toArray(String[]::new)), cluster);
    }

    /** A reader of an output topic that sees everything written and fetches messages up to the producer's cap. */
    private static <T> TopicReader<T> reader(ServingTopics topics, String topic, Parser<T> parser) {
        return TopicReader.open(
                topics.bootstrapServers(),
                Map.of(
                        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                        Integer.toString(HostileProducer.MAX_REQUEST_BYTES)),
                topic,
                parser,
                IsolationLevel.READ_UNCOMMITTED);
    }

    /**
     * Publishes {@code descriptor} and streams good records until {@code instances} serving instances report it
     * ACTIVATED (a partitioned job activates a model on a subtask when an element reaches it) and, for a model of the
     * good data type (the warm-up records are of that type), a warm-up record is answered by it (in the speculative
     * mode the router learns of a model from the descriptor on its own input, so an executor's ACTIVATED does not mean
     * that requests are routed to it yet).
     */
    void publishAndAwaitActive(ModelDescriptor descriptor, int instances) {
        producer.send(topics.models(), descriptor.getDataType(), descriptor.toByteArray());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!events.readUntil(WARM_UP_ROUND, read -> activatedBy(read, descriptor) >= instances)
                || descriptor.getDataType().equals(goodType)
                        && !results.readUntil(WARM_UP_ROUND, read -> answeredBy(read, descriptor))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("version " + descriptor.getVersion() + " of " + descriptor.getName()
                        + " was not activated by " + instances + " instance(s), or answered no record, within " + WAIT
                        + "; events: " + events.values() + "; " + job.describe());
            }
            sendGood("warm-" + warmUpRounds++, 4);
        }
    }

    /** Whether a record was answered by this version (SCORED, or FAILED by the model itself: routed to it). */
    private static boolean answeredBy(List<Consumed<ServingResult>> read, ModelDescriptor descriptor) {
        return read.stream()
                .map(Consumed::value)
                .anyMatch(r -> r.getStatus() != ServingStatus.NO_MODEL
                        && r.getModelName().equals(descriptor.getName())
                        && r.getModelVersion() == descriptor.getVersion());
    }

    private static long activatedBy(List<Consumed<ModelEvent>> read, ModelDescriptor descriptor) {
        return read.stream()
                .map(Consumed::value)
                .filter(e -> e.getType() == ModelEventType.ACTIVATED
                        && e.getModelName().equals(descriptor.getName())
                        && e.getModelVersion() == descriptor.getVersion())
                .map(ModelEvent::getEmittedBy)
                .distinct()
                .count();
    }

    /** Sends {@code count} good records of the good data type with ids {@code prefix-i}; returns them. */
    List<DataRecord> sendGood(String prefix, int count) {
        List<DataRecord> sent = new ArrayList<>(count);
        List<byte[]> payloads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            DataRecord record =
                    HostileModels.record(goodType, prefix + "-" + i, HostileModels.features(random)).toBuilder()
                            .setKey("machine-" + (i % 5))
                            .build();
            goodRecords.put(record.getId(), record);
            sent.add(record);
            payloads.add(record.toByteArray());
        }
        records.addAll(producer.sendAll(topics.data(), null, payloads));
        return sent;
    }

    /** Sends hostile record payloads (no key: spread over the partitions) and remembers them. */
    List<Sent> sendRecords(List<byte[]> payloads) {
        List<Sent> sent = producer.sendAll(topics.data(), null, payloads);
        records.addAll(sent);
        return sent;
    }

    /**
     * Sends {@code count} good records and asserts that each is SCORED by the good regression with the output the
     * plain-Java formula gives.
     */
    void assertGoodModelServes(String prefix, int count) {
        List<DataRecord> sent = sendGood(prefix, count);
        Set<String> ids = sent.stream().map(DataRecord::getId).collect(Collectors.toSet());
        Map<String, ServingResult> byId = new HashMap<>();
        for (Consumed<ServingResult> result : results.awaitUntil(
                () -> "results of the good records " + prefix + "-* (" + job.describe() + ")",
                WAIT,
                read -> read.stream()
                        .map(r -> r.value().getRecordId())
                        .collect(Collectors.toSet())
                        .containsAll(ids))) {
            if (ids.contains(result.value().getRecordId())) {
                byId.put(result.value().getRecordId(), result.value());
            }
        }
        for (DataRecord record : sent) {
            HostileModels.assertScoredByRegression(byId.get(record.getId()), record);
        }
    }

    /**
     * Asserts that the job is RUNNING, never failed and never restarted, although it runs with a restart strategy
     * that would restart it (a failure would show as a restart, not end the job).
     */
    void assertNoRestarts() {
        assertThat(job.restartStrategy())
                .as("restart strategy of job %s", job.jobId())
                .containsIgnoringCase("exponential delay");
        assertThat(job.status()).as("status of %s", job.describe()).isEqualTo(JobStatus.RUNNING);
        assertThat(job.restarts()).as("restarts of %s", job.describe()).isZero();
        assertThat(job.lastFailure()).as("last failure of job %s", job.jobId()).isEqualTo("none");
    }

    /** The dead letters read so far that came from {@code topic}. */
    List<DeadLetter> deadLettersOf(String topic) {
        return deadLetters.values().stream()
                .filter(l -> l.getSourceTopic().equals(topic))
                .toList();
    }

    @Override
    public void close() {
        try (producer;
                results;
                deadLetters;
                events) {
            job.close();
        }
    }
}
