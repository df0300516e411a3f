package dev.modelserving.deploy.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.job.KafkaServingIo;
import dev.modelserving.job.ServingJob;
import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import dev.modelserving.testkit.LoopbackFlink;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Runs one measured swap of {@link SwapLatencyBench}: a fresh serving job (parallelism 1) on a local MiniCluster
 * against the benchmark's broker, fed two record streams of different data types at a steady rate, each record
 * stamped with its send time ({@code event_time_millis}). After the steady phase the new version of the swapped
 * model is published; the run goes on until the job has reported its ACTIVATED event and some seconds more. Every
 * result's latency is the broker's append time of the result ({@code LogAppendTime} on the broker) minus the send
 * time of its record; results are bucketed by send time into the steady phase (from 2 s after its start to the
 * publication), the second before the activation and the second after it (windows may overlap). A timeline of the
 * p99 per 500 ms around the activation is logged.
 */
final class SwapRunner {

    private static final Duration ACTIVATION_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration RESULTS_TIMEOUT = Duration.ofMinutes(2);
    /** Step of the latency timeline printed for each run. */
    private static final long TIMELINE_STEP_MILLIS = 500;

    private static final long EVENT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * One record stream and the model serving it from the start.
     *
     * @param role what the stream is in the run ("swapped" or "bystander")
     * @param initial the model serving the data type when the measurement starts
     * @param records the records sent in a cycle (their ids and event times are replaced)
     */
    record Stream(String role, ModelDescriptor initial, List<DataRecord> records) {

        String dataType() {
            return initial.getDataType();
        }
    }

    /**
     * What a run swaps.
     *
     * @param name the case's name in the table
     * @param swapped the stream whose model is swapped
     * @param swapTo the new model of the swapped stream's data type
     * @param bystander the stream of another data type whose model stays
     */
    record Plan(String name, Stream swapped, ModelDescriptor swapTo, Stream bystander) {

        Plan {
            if (swapped.dataType().equals(bystander.dataType())) {
                throw new IllegalArgumentException(
                        "the bystander stream must have another data type than " + swapped.dataType());
            }
            if (!swapTo.getDataType().equals(swapped.dataType())) {
                throw new IllegalArgumentException("the new model serves " + swapTo.getDataType()
                        + ", the swapped stream is " + swapped.dataType());
            }
        }
    }

    /**
     * Latencies of one stream's records (milliseconds) by send time.
     *
     * @param steady sent in the steady phase before the new version was published, but its first 2 s (at least the
     *     last second)
     * @param before sent in the second before the activation
     * @param after sent in the second after the activation
     * @param steadyScoring the job's scoring time of the steady second's records (µs, {@code latency_nanos})
     * @param beforeScoring the scoring time of the second before the activation's records (µs)
     * @param afterScoring the scoring time of the second after the activation's records (µs)
     * @param notScored results in those three seconds that were not SCORED
     * @param byNewVersion results of the second after the activation scored by the new model
     */
    record Latencies(
            Percentiles steady,
            Percentiles before,
            Percentiles after,
            Percentiles steadyScoring,
            Percentiles beforeScoring,
            Percentiles afterScoring,
            long notScored,
            long byNewVersion) {}

    /**
     * A measured run.
     *
     * @param publishedMillis when the new version was sent to the model topic
     * @param activated the job's ACTIVATED event of the new version
     * @param byRole the latencies of the swapped and the bystander stream
     * @param sent records sent in the run
     */
    record Outcome(
            Plan plan,
            String mode,
            long warmUpMaxMs,
            long publishedMillis,
            ModelEvent activated,
            Map<String, Latencies> byRole,
            long sent) {}

    private final EmbeddedKafkaBroker broker;
    private final Path services;
    private final int rate;
    private final int secondsBefore;
    private final int secondsAfter;
    private final long bufferTimeoutMs;
    private final PrintStream log;
    private int sequence;

    SwapRunner(
            EmbeddedKafkaBroker broker,
            Path services,
            int rate,
            int secondsBefore,
            int secondsAfter,
            long bufferTimeoutMs,
            PrintStream log) {
        this.broker = broker;
        this.services = services;
        this.rate = rate;
        this.secondsBefore = secondsBefore;
        this.secondsAfter = secondsAfter;
        this.bufferTimeoutMs = bufferTimeoutMs;
        this.log = log;
    }

    /** Runs {@code plan} in {@code mode} ("keyed" or "partitioned") with the job's {@code --warm-up-max-ms}. */
    Outcome run(Plan plan, String mode, long warmUpMaxMs) throws Exception {
        String run = "s" + sequence++ + "-" + plan.name() + "-" + mode + "-w" + warmUpMaxMs;
        String records = run + "-records";
        String models = run + "-models";
        String results = run + "-results";
        String events = run + "-events";
        broker.createTopics(1, records, models, results, run + "-dead", events, run + "-stats");
        ServingJobConfig config = ServingJobConfig.fromArgs(
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--mode",
                mode,
                "--parallelism",
                "1",
                "--checkpoint-interval-ms",
                "0",
                "--group-id",
                run,
                "--data-topic",
                records,
                "--model-topic",
                models,
                "--results-topic",
                results,
                "--dead-letter-topic",
                run + "-dead",
                "--events-topic",
                events,
                "--stats-topic",
                run + "-stats",
                "--warm-up-max-ms",
                Long.toString(warmUpMaxMs));
        try (KafkaProducer<byte[], byte[]> modelProducer = producer("10485760");
                KafkaProducer<byte[], byte[]> recordProducer = producer("1048576")) {
            publish(modelProducer, models, plan.swapped().initial()).get();
            publish(modelProducer, models, plan.bystander().initial()).get();
            Configuration conf = BenchModelTypes.register(LoopbackFlink.configuration(), services);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
            env.setBufferTimeout(bufferTimeoutMs);
            new ServingJob(config, new KafkaServingIo(config)).build(env);
            JobClient job = env.executeAsync("swap latency " + run);
            try (KafkaConsumer<byte[], byte[]> eventConsumer = consumer(events)) {
                long[] publishedAt = new long[1];
                Driven driven = drive(plan, recordProducer, records, eventConsumer, () -> {
                    publishedAt[0] = System.currentTimeMillis();
                    return publish(modelProducer, models, plan.swapTo());
                });
                ModelEvent activated = driven.activated();
                long sent = driven.sent();
                awaitResults(results, sent);
                Map<String, Latencies> byRole =
                        measure(plan, results, sent, publishedAt[0], activated.getTimestampMillis());
                Outcome outcome = new Outcome(plan, mode, warmUpMaxMs, publishedAt[0], activated, byRole, sent);
                log.printf(
                        Locale.ROOT,
                        "%s: activated %d ms after publication (load %d ms, warm-up %d ms, %d calls)%n",
                        run,
                        activated.getTimestampMillis() - publishedAt[0],
                        activated.getLoadMillis(),
                        activated.getWarmUpMillis(),
                        activated.getWarmUpCalls());
                return outcome;
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Publishes the new version; returns the send's future. */
    @FunctionalInterface
    private interface Publication {
        Future<RecordMetadata> publish() throws Exception;
    }

    /** The outcome of the sending phase: the new version's ACTIVATED event and the records sent. */
    private record Driven(ModelEvent activated, long sent) {}

    /**
     * Sends both streams at {@code rate} records per second each, alternating: until both initial models are
     * active, then {@code secondsBefore} seconds, then publishes the new version, then on until {@code secondsAfter}
     * seconds after its activation.
     */
    private Driven drive(
            Plan plan,
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            KafkaConsumer<byte[], byte[]> events,
            Publication publication)
            throws Exception {
        List<Stream> streams = List.of(plan.swapped(), plan.bystander());
        long intervalNanos = 1_000_000_000L / (2L * rate);
        long start = System.nanoTime();
        // Traffic flows from the start: in partitioned mode a model is only activated when a record arrives. The
        // steady phase starts once both initial models are active.
        List<ModelDescriptor> waiting = new ArrayList<>(
                List.of(plan.swapped().initial(), plan.bystander().initial()));
        long publishAt = Long.MAX_VALUE;
        long nextEventPoll = start;
        Future<RecordMetadata> published = null;
        long publishedNanos = 0;
        ModelEvent activated = null;
        long stopAt = Long.MAX_VALUE;
        long i = 0;
        while (true) {
            long due = start + i * intervalNanos;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(Math.min(due - now, 200_000));
            }
            if (now >= stopAt) {
                break;
            }
            Stream stream = streams.get((int) (i % 2));
            DataRecord template =
                    stream.records().get((int) ((i / 2) % stream.records().size()));
            DataRecord record = template.toBuilder()
                    .setId(stream.role() + "-" + i)
                    .setEventTimeMillis(System.currentTimeMillis())
                    .build();
            producer.send(new ProducerRecord<>(
                    topic, record.getKey().getBytes(StandardCharsets.UTF_8), record.toByteArray()));
            i++;
            if (!waiting.isEmpty() && now >= nextEventPoll) {
                nextEventPoll = now + EVENT_POLL_NANOS;
                for (ModelEvent event : activations(events)) {
                    waiting.removeIf(m -> matches(event, m));
                }
                if (waiting.isEmpty()) {
                    publishAt = now + TimeUnit.SECONDS.toNanos(secondsBefore);
                    nextEventPoll = publishAt;
                } else if (now - start > ACTIVATION_TIMEOUT.toNanos()) {
                    throw new IllegalStateException("not activated within " + ACTIVATION_TIMEOUT + ": "
                            + waiting.stream()
                                    .map(m -> m.getName() + "@" + m.getVersion())
                                    .toList());
                }
            }
            if (published == null && now >= publishAt) {
                published = publication.publish();
                publishedNanos = now;
            }
            if (published != null && activated == null && now >= nextEventPoll) {
                nextEventPoll = now + EVENT_POLL_NANOS;
                for (ModelEvent event : activations(events)) {
                    if (matches(event, plan.swapTo())) {
                        activated = event;
                    }
                }
                if (activated != null) {
                    long sinceActivation = System.currentTimeMillis() - activated.getTimestampMillis();
                    stopAt = now
                            + TimeUnit.SECONDS.toNanos(secondsAfter)
                            - TimeUnit.MILLISECONDS.toNanos(sinceActivation);
                } else if (now - publishedNanos > ACTIVATION_TIMEOUT.toNanos()) {
                    throw new IllegalStateException(plan.swapTo().getName() + "@"
                            + plan.swapTo().getVersion() + " was not activated within " + ACTIVATION_TIMEOUT);
                }
            }
        }
        producer.flush();
        published.get();
        return new Driven(activated, i);
    }

    /** The ACTIVATED events polled now (without waiting); a REJECTED event fails the run. */
    private static List<ModelEvent> activations(KafkaConsumer<byte[], byte[]> events) {
        List<ModelEvent> activated = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : events.poll(Duration.ZERO)) {
            ModelEvent event = event(r.value());
            checkNotRejected(event);
            if (event.getType() == ModelEventType.ACTIVATED) {
                activated.add(event);
            }
        }
        return activated;
    }

    private static boolean matches(ModelEvent event, ModelDescriptor model) {
        return event.getModelName().equals(model.getName())
                && event.getModelVersion() == model.getVersion()
                && event.getDataType().equals(model.getDataType());
    }

    private static void checkNotRejected(ModelEvent event) {
        if (event.getType() == ModelEventType.REJECTED) {
            throw new IllegalStateException("the job rejected " + event.getModelName() + "@" + event.getModelVersion()
                    + ": " + event.getReason());
        }
    }

    private void awaitResults(String topic, long expected) throws InterruptedException {
        new BacklogMeter(broker.bootstrapServers()).awaitRecords(topic, expected, RESULTS_TIMEOUT);
    }

    private Map<String, Latencies> measure(Plan plan, String topic, long expected, long published, long activated) {
        // The steady window: the steady phase but its first 2 s (a longer baseline than one second of records).
        long steadyMillis = 1000L * Math.max(1, secondsBefore - 2);
        Map<String, List<List<Double>>> buckets = new LinkedHashMap<>();
        Map<String, List<List<Double>>> scoring = new LinkedHashMap<>();
        Map<String, TreeMap<Long, List<Double>>> timeline = new LinkedHashMap<>();
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, String> roles = Map.of(
                plan.swapped().dataType(), plan.swapped().role(),
                plan.bystander().dataType(), plan.bystander().role());
        for (String role : List.of(plan.swapped().role(), plan.bystander().role())) {
            buckets.put(role, List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
            scoring.put(role, List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
            counts.put(role, new long[2]);
        }
        long read = 0;
        long deadline = System.nanoTime() + RESULTS_TIMEOUT.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(topic)) {
            while (read < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("read " + read + " of " + expected + " results of " + topic);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    read++;
                    ServingResult result = result(r.value());
                    String role = roles.get(result.getDataType());
                    if (role == null) {
                        continue;
                    }
                    long sentAt = result.getEventTimeMillis();
                    timeline.computeIfAbsent(role, k -> new TreeMap<>())
                            .computeIfAbsent(
                                    Math.floorDiv(sentAt - activated, TIMELINE_STEP_MILLIS), k -> new ArrayList<>())
                            .add((double) (r.timestamp() - sentAt));
                    long[] starts = {published - steadyMillis, activated - 1000, activated};
                    long[] ends = {published, activated, activated + 1000};
                    boolean inAny = false;
                    for (int bucket = 0; bucket < starts.length; bucket++) {
                        // The windows may overlap (an activation within a second of the publication).
                        if (sentAt >= starts[bucket] && sentAt < ends[bucket]) {
                            buckets.get(role).get(bucket).add((double) (r.timestamp() - sentAt));
                            scoring.get(role).get(bucket).add(result.getLatencyNanos() / 1000.0);
                            inAny = true;
                        }
                    }
                    if (!inAny) {
                        continue;
                    }
                    if (result.getStatus() != ServingStatus.SCORED) {
                        counts.get(role)[0]++;
                    } else if (sentAt >= activated
                            && sentAt < activated + 1000
                            && result.getModelVersion() == plan.swapTo().getVersion()
                            && result.getModelName().equals(plan.swapTo().getName())) {
                        counts.get(role)[1]++;
                    }
                }
            }
        }
        timeline.forEach((role, steps) -> {
            StringBuilder line = new StringBuilder();
            steps.forEach((step, values) -> line.append(String.format(
                    Locale.ROOT,
                    " %+d:%.0f",
                    step * TIMELINE_STEP_MILLIS,
                    percentiles(values).p99())));
            log.println("  p99 (ms) of " + role + " by send time from the activation (ms):" + line);
        });
        Map<String, Latencies> byRole = new LinkedHashMap<>();
        buckets.forEach((role, lists) -> byRole.put(
                role,
                new Latencies(
                        percentiles(lists.get(0)),
                        percentiles(lists.get(1)),
                        percentiles(lists.get(2)),
                        percentiles(scoring.get(role).get(0)),
                        percentiles(scoring.get(role).get(1)),
                        percentiles(scoring.get(role).get(2)),
                        counts.get(role)[0],
                        counts.get(role)[1])));
        return byRole;
    }

    private static Percentiles percentiles(List<Double> values) {
        return Percentiles.of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static Future<RecordMetadata> publish(
            KafkaProducer<byte[], byte[]> producer, String topic, ModelDescriptor model) {
        return producer.send(
                new ProducerRecord<>(topic, model.getDataType().getBytes(StandardCharsets.UTF_8), model.toByteArray()));
    }

    private KafkaProducer<byte[], byte[]> producer(String maxRequestBytes) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        props.put(ProducerConfig.ACKS_CONFIG, "1");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestBytes);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> consumer(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "swap-bench-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        return consumer;
    }

    private static ModelEvent event(byte[] value) {
        try {
            return ModelEvent.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("not a ModelEvent on the events topic: " + e.getMessage(), e);
        }
    }

    private static ServingResult result(byte[] value) {
        try {
            return ServingResult.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("not a ServingResult on the results topic: " + e.getMessage(), e);
        }
    }
}
