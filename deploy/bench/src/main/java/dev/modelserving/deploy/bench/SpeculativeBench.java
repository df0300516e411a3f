package dev.modelserving.deploy.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.deploy.samples.GeneratorSettings;
import dev.modelserving.deploy.samples.SampleModels;
import dev.modelserving.deploy.samples.SensorGenerator;
import dev.modelserving.job.KafkaServingIo;
import dev.modelserving.job.ServingJob;
import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.model.records.SensorRecords;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.ModelAnswer;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.proto.SpeculativeConfig;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import dev.modelserving.testkit.LoopbackFlink;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Latency of the speculative mode: the job ({@code --mode speculative}, parallelism 2) on a local MiniCluster with an
 * in-process Kafka broker, three sample models (PMML and ONNX from {@link SampleModels}) with and without a
 * deliberately slow one ({@link SleepingModelFactory}) in place of the third, under FIRST and MAJORITY.
 *
 * <p>End-to-end latency is measured from the record's event time (set by the producer just before sending) to the
 * moment the benchmark's consumer receives the result from the results topic: Kafka in and out included. The raw
 * evaluator latency is the scoring time each executor measured around {@code Model.score} (answers[].latency_nanos
 * of the same results).
 *
 * <p>{@code java -cp deploy/target/deploy.jar:... dev.modelserving.deploy.bench.SpeculativeBench [--requests 2000]
 * [--rate 200] [--deadline-ms 100] [--slow-ms 500]}; see docs/benchmarks.md for the exact command. A first,
 * unreported run warms the JVM up.
 */
public final class SpeculativeBench {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String DATA_TYPE = SensorRecords.DATA_TYPE;

    private final EmbeddedKafkaBroker broker;
    private final KafkaProducer<String, byte[]> producer;
    private final Path services;
    private final int requests;
    private final int rate;
    private final long deadlineMs;
    private final long slowMs;
    private final PrintStream out;

    private SpeculativeBench(
            EmbeddedKafkaBroker broker,
            Path services,
            int requests,
            int rate,
            long deadlineMs,
            long slowMs,
            PrintStream out) {
        this.broker = broker;
        this.services = services;
        this.requests = requests;
        this.rate = rate;
        this.deadlineMs = deadlineMs;
        this.slowMs = slowMs;
        this.out = out;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    public static void main(String[] args) throws Exception {
        ParameterTool flags = ParameterTool.fromArgs(args);
        int requests = flags.getInt("requests", 2000);
        int rate = flags.getInt("rate", 200);
        long deadlineMs = flags.getLong("deadline-ms", 100);
        long slowMs = flags.getLong("slow-ms", 500);
        Path services = serviceDirectory();
        List<ModelDescriptor> samples = SampleModels.descriptors();
        List<ModelDescriptor> fast = samples.stream()
                .filter(d -> d.getModelType() == ModelType.PMML || d.getModelType() == ModelType.ONNX)
                .limit(3)
                .toList();
        if (fast.size() < 3) {
            throw new IllegalStateException("expected 3 PMML/ONNX sample models, found " + fast.size());
        }
        ModelDescriptor slow = ModelDescriptor.newBuilder()
                .setName("smart-but-slow")
                .setVersion(1)
                .setDataType(DATA_TYPE)
                .setModelType(ModelType.CUSTOM)
                .setCustomType(SleepingModelFactory.TYPE)
                .setArtifactBytes(ByteString.copyFrom(slowMs + ",42", StandardCharsets.UTF_8))
                .build();
        PrintStream out = System.out;
        out.printf(
                Locale.ROOT,
                "speculative bench: %d requests at %d/s per run, deadline %d ms, slow model %d ms," + " %d cores%n",
                requests,
                rate,
                deadlineMs,
                slowMs,
                Runtime.getRuntime().availableProcessors());
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().start()) {
            SpeculativeBench bench = new SpeculativeBench(broker, services, requests, rate, deadlineMs, slowMs, out);
            try {
                List<ModelDescriptor> withSlow = List.of(fast.get(0), fast.get(1), slow);
                // A first run warms up the JVM (JIT, class loading, native libraries); its figures are not printed.
                bench.run("warmup", DecisionStrategy.FIRST, fast, 3);
                int run = 0;
                for (DecisionStrategy strategy : List.of(DecisionStrategy.FIRST, DecisionStrategy.MAJORITY)) {
                    bench.run("run" + run++, strategy, fast, 3);
                    bench.run("run" + run++, strategy, withSlow, 2);
                }
            } finally {
                bench.producer.close(Duration.ofSeconds(10));
            }
        }
    }

    /** A directory with a service file registering the benchmark's slow model type for the benchmark's jobs only. */
    private static Path serviceDirectory() throws IOException {
        Path dir = Files.createTempDirectory("speculative-bench-services");
        Path file = dir.resolve("META-INF/services/dev.modelserving.model.ModelFactory");
        Files.createDirectories(file.getParent());
        Files.writeString(file, SleepingModelFactory.class.getName() + "\n");
        dir.toFile().deleteOnExit();
        return dir;
    }

    private void run(String name, DecisionStrategy strategy, List<ModelDescriptor> models, int fastModels)
            throws Exception {
        String records = name + "-records";
        String results = name + "-results";
        broker.createTopics(
                2,
                records,
                name + "-models",
                name + "-configs",
                results,
                name + "-dead",
                name + "-events",
                name + "-stats");
        for (ModelDescriptor model : models) {
            send(name + "-models", DATA_TYPE, model.toByteArray());
        }
        send(
                name + "-configs",
                DATA_TYPE,
                SpeculativeConfig.newBuilder()
                        .setDataType(DATA_TYPE)
                        .setVersion(1)
                        .setDeadlineMillis(deadlineMs)
                        .setStrategy(strategy)
                        .build()
                        .toByteArray());
        ServingJobConfig config = ServingJobConfig.fromArgs(
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--mode",
                "speculative",
                "--parallelism",
                "2",
                "--checkpoint-interval-ms",
                "0",
                "--data-topic",
                records,
                "--model-topic",
                name + "-models",
                "--config-topic",
                name + "-configs",
                "--results-topic",
                results,
                "--dead-letter-topic",
                name + "-dead",
                "--events-topic",
                name + "-events",
                "--stats-topic",
                name + "-stats",
                "--group-id",
                name);
        Configuration conf = LoopbackFlink.configuration();
        conf.set(PipelineOptions.CLASSPATHS, List.of(services.toUri().toURL().toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        new ServingJob(config, new KafkaServingIo(config)).build(env);
        JobClient job = env.executeAsync("speculative bench " + name);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(results)) {
            Map<String, Long> arrivals = new HashMap<>();
            Map<String, ServingResult> byId = new HashMap<>();
            awaitActivated(name + "-events", models.size());
            warmUp(records, consumer, strategy, models.size(), fastModels);
            long start = System.nanoTime();
            SensorGenerator generator = new SensorGenerator(new GeneratorSettings(
                    SampleModels.SEED,
                    10,
                    GeneratorSettings.DEFAULT_PERIOD,
                    GeneratorSettings.DEFAULT_START,
                    GeneratorSettings.DEFAULT_FAULT_PROBABILITY));
            for (int i = 0; i < requests; i++) {
                long due = start + (long) (i * 1e9 / rate);
                while (System.nanoTime() < due) {
                    poll(consumer, Duration.ZERO, arrivals, byId);
                    LockSupport.parkNanos(200_000);
                }
                DataRecord record = SensorRecords.toRecord(generator.next()).toBuilder()
                        .setId("m-" + i)
                        .setEventTimeMillis(System.currentTimeMillis())
                        .build();
                producer.send(new ProducerRecord<>(records, record.getKey(), record.toByteArray()));
            }
            producer.flush();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (byId.size() < requests && System.nanoTime() < deadline) {
                poll(consumer, Duration.ofMillis(100), arrivals, byId);
            }
            if (!name.equals("warmup")) {
                report(name, strategy, models, arrivals, byId);
            }
        } finally {
            job.cancel().get();
        }
    }

    /** Waits until every model of the run has been activated (model events topic). */
    private void awaitActivated(String eventsTopic, int models) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int activated = 0;
        try (KafkaConsumer<byte[], byte[]> events = consumer(eventsTopic)) {
            while (activated < models) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + activated + " of " + models + " models activated");
                }
                for (ConsumerRecord<byte[], byte[]> r : events.poll(Duration.ofMillis(200))) {
                    try {
                        ModelEvent event = ModelEvent.parseFrom(r.value());
                        if (event.getType() == ModelEventType.ACTIVATED) {
                            activated++;
                        } else {
                            out.println("  model event: " + event.getType() + " " + event.getModelName() + ": "
                                    + event.getReason());
                        }
                    } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException("not a ModelEvent: " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    private void warmUp(
            String records,
            KafkaConsumer<byte[], byte[]> consumer,
            DecisionStrategy strategy,
            int models,
            int fastModels)
            throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int probe = 0;
        while (System.nanoTime() < deadline) {
            DataRecord record = DataRecord.newBuilder()
                    .setDataType(DATA_TYPE)
                    .setId("probe-" + probe++)
                    .setKey("probe")
                    .putFeatures(SensorRecords.TEMPERATURE_C, 60)
                    .putFeatures(SensorRecords.FAN_RPM, 2000)
                    .putFeatures(SensorRecords.LOAD_PERCENT, 50)
                    .build();
            send(records, "probe", record.toByteArray());
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                ServingResult result = parse(r.value());
                long inTime = result.getAnswersList().stream()
                        .filter(ModelAnswer::getInTime)
                        .count();
                if (result.getStrategy().equals(strategy.name())
                        && result.getStatus() == ServingStatus.SCORED
                        && result.getAnswersCount() == models
                        && (strategy == DecisionStrategy.FIRST || inTime >= fastModels)) {
                    return;
                }
            }
        }
        throw new IllegalStateException("the job never answered with " + fastModels + " models under " + strategy);
    }

    private static void poll(
            KafkaConsumer<byte[], byte[]> consumer,
            Duration timeout,
            Map<String, Long> arrivals,
            Map<String, ServingResult> byId) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            long now = System.currentTimeMillis();
            ServingResult result = parse(r.value());
            if (result.getRecordId().startsWith("m-") && byId.putIfAbsent(result.getRecordId(), result) == null) {
                arrivals.put(result.getRecordId(), now);
            }
        }
    }

    private void report(
            String name,
            DecisionStrategy strategy,
            List<ModelDescriptor> models,
            Map<String, Long> arrivals,
            Map<String, ServingResult> byId) {
        List<Double> e2e = new ArrayList<>();
        Map<String, List<Double>> scoring = new TreeMap<>();
        Map<String, Integer> inTime = new TreeMap<>();
        int scored = 0;
        for (ServingResult result : byId.values()) {
            e2e.add((double) (arrivals.get(result.getRecordId()) - result.getEventTimeMillis()));
            if (result.getStatus() == ServingStatus.SCORED) {
                scored++;
            }
            for (ModelAnswer answer : result.getAnswersList()) {
                if (answer.getInTime()) {
                    inTime.merge(answer.getModelName(), 1, Integer::sum);
                    scoring.computeIfAbsent(answer.getModelName(), m -> new ArrayList<>())
                            .add(answer.getLatencyNanos() / 1000.0);
                }
            }
        }
        out.printf(
                Locale.ROOT,
                "%n[%s] %s, models %s%n",
                name,
                strategy,
                models.stream()
                        .map(m -> m.getName() + " ("
                                + (m.getModelType() == ModelType.CUSTOM ? m.getCustomType() : m.getModelType()) + ")")
                        .toList());
        out.printf(
                Locale.ROOT,
                "  results %d of %d (missing %d), SCORED %d%n",
                byId.size(),
                requests,
                requests - byId.size(),
                scored);
        out.printf(
                Locale.ROOT,
                "  end-to-end (event time -> result received), p50 / p99 / max: %s%n",
                Percentiles.of(e2e.stream().mapToDouble(Double::doubleValue).toArray())
                        .format("ms"));
        scoring.forEach((model, values) -> out.printf(
                Locale.ROOT,
                "  raw evaluator %-22s in time %5d, p50 / p99 / max: %s%n",
                model,
                inTime.get(model),
                Percentiles.of(values.stream().mapToDouble(Double::doubleValue).toArray())
                        .format("us")));
    }

    private KafkaConsumer<byte[], byte[]> consumer(String topic) {
        return TopicReaders.fromBeginning(broker.bootstrapServers(), topic);
    }

    private void send(String topic, String key, byte[] value) throws InterruptedException {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("sending to " + topic + " failed", e.getCause());
        }
    }

    private static ServingResult parse(byte[] bytes) {
        try {
            return ServingResult.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("not a ServingResult on the results topic: " + e.getMessage(), e);
        }
    }
}
