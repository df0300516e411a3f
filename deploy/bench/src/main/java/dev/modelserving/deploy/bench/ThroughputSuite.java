package dev.modelserving.deploy.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.deploy.bench.BenchModels.Kind;
import dev.modelserving.job.KafkaServingIo;
import dev.modelserving.job.ServingJob;
import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.io.KafkaIo;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import dev.modelserving.testkit.LoopbackFlink;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The throughput suite, in one run against one in-process broker: the raw evaluators (JMH, {@link RawEvaluators}),
 * then, per record kind (sensor records with 3 named features; 784-float image records), jobs that each work
 * through the same backlog of records on the same input topic:
 * <ol>
 *   <li>the copy-only floor ({@link CopyJob}) with Kafka's default client settings;</li>
 *   <li>the same copy job with the job's tuned settings ({@link KafkaIo#TUNED_CONSUMER_DEFAULTS},
 *       {@link KafkaIo#TUNED_PRODUCER_DEFAULTS});</li>
 *   <li>the serving job (keyed mode) with a no-op model ({@link ConstantModelFactory});</li>
 *   <li>the serving job with each sample model of that kind (the heavy CNN for images).</li>
 * </ol>
 * Every job runs at parallelism 1 without checkpointing (at-least-once sinks), on a fresh MiniCluster with a fresh
 * consumer group and output topic. The rate of a run is measured from its output ({@link BacklogMeter}); results
 * before the model became current (NO_MODEL) are not counted. Prints a markdown table (rec/s and the ratios to the
 * tuned and the default floor of the same record kind) and writes it to {@code --out}.
 */
@Command(
        name = "throughput-suite",
        mixinStandardHelpOptions = true,
        description = "Copy-only floors, the serving job with a no-op model and with every sample model, and the raw"
                + " evaluators (JMH), in one run.")
public final class ThroughputSuite implements Callable<Integer> {

    @Option(
            names = "--sensor-records",
            defaultValue = "200000",
            description = "Sensor records in the backlog (default ${DEFAULT-VALUE}).")
    private int sensorRecords;

    @Option(
            names = "--image-records",
            defaultValue = "20000",
            description = "Image records (784 floats) in the backlog (default ${DEFAULT-VALUE}).")
    private int imageRecords;

    @Option(names = "--skip-jmh", description = "Skip the raw-evaluator JMH runs.")
    private boolean skipJmh;

    @Option(names = "--jmh-only", description = "Only the raw-evaluator JMH runs.")
    private boolean jmhOnly;

    @Option(
            names = "--jmh-iterations",
            defaultValue = "3",
            description = "JMH measurement iterations (default ${DEFAULT-VALUE}).")
    private int jmhIterations;

    @Option(
            names = "--jmh-warmup-iterations",
            defaultValue = "2",
            description = "JMH warm-up iterations (default ${DEFAULT-VALUE}).")
    private int jmhWarmupIterations;

    @Option(
            names = "--jmh-seconds",
            defaultValue = "1",
            description = "Seconds per JMH iteration (default ${DEFAULT-VALUE}).")
    private int jmhSeconds;

    @Option(
            names = "--jmh-forks",
            defaultValue = "1",
            description = "JMH forks (default ${DEFAULT-VALUE}; 0 runs in this JVM: the ONNX models' forked JVMs"
                    + " crashed with SIGSEGV here, see docs/benchmarks.md).")
    private int jmhForks;

    @Option(
            names = "--batch-sizes",
            split = ",",
            defaultValue = "1,8,32,128",
            description = "scoreBatch sizes for JMH (default ${DEFAULT-VALUE}).")
    private List<Integer> batchSizes;

    @Option(
            names = "--models",
            split = ",",
            description = "Only these sample models (names; default: all). The floors and no-op runs always run.")
    private List<String> onlyModels;

    @Option(
            names = "--kafka-property",
            description = "key=value passed to the tuned copy job and every serving job, like the job's own"
                    + " --kafka-property (repeatable; e.g. compression.type=none to try another setting).")
    private List<String> kafkaProperties = new ArrayList<>();

    @Option(
            names = "--out",
            defaultValue = "deploy/bench/target/throughput.md",
            description = "Where the markdown table is written (default ${DEFAULT-VALUE}).")
    private Path out;

    private final PrintStream log = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ThroughputSuite()).execute(args));
    }

    /** One measured job run. */
    private record Run(Kind kind, String what, ModelDescriptor model, BacklogMeter.Window window) {}

    @Override
    public Integer call() throws Exception {
        String loadBefore = loadAverage();
        Instant started = Instant.now();
        log.println("throughput suite: " + Runtime.getRuntime().availableProcessors() + " cores, load average "
                + loadBefore);
        List<ModelDescriptor> samples = BenchModels.samples().stream()
                .filter(m -> onlyModels == null || onlyModels.contains(m.getName()))
                .toList();
        Path modelsDir = Files.createTempDirectory("bench-models");
        BenchModels.write(samples, modelsDir);

        Map<String, RawEvaluators.Figures> raw = new LinkedHashMap<>();
        if (!skipJmh) {
            RawEvaluators evaluators = new RawEvaluators(
                    modelsDir, jmhWarmupIterations, jmhIterations, TimeValue.seconds(jmhSeconds), jmhForks);
            if (jmhForks == 0) {
                evaluators.shareModelsDirectory();
            }
            raw.putAll(evaluators.measure(
                    samples.stream().map(ModelDescriptor::getName).toList(), batchSizes));
        }
        List<Run> runs = new ArrayList<>();
        if (!jmhOnly) {
            runs.addAll(jobRuns(samples));
        }
        String table = table(runs, raw, loadBefore, loadAverage(), started);
        log.println();
        log.println(table);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, table, StandardCharsets.UTF_8);
        log.println("written to " + out.toAbsolutePath());
        return 0;
    }

    private List<Run> jobRuns(List<ModelDescriptor> samples) throws Exception {
        // Load every model once in this JVM: native libraries and classes are then loaded before any job runs, so a
        // model becomes current within milliseconds of a job's start.
        ModelLoader loader = ModelLoader.withDiscoveredFactories(LoadPolicy.defaults());
        for (ModelDescriptor sample : samples) {
            try (Model model = loader.load(sample)) {
                log.println("loaded " + model.id());
            }
        }
        Path services = BenchModelTypes.serviceDirectory();
        List<Run> runs = new ArrayList<>();
        try (EmbeddedKafkaBroker broker =
                new EmbeddedKafkaBroker(Map.of("log.message.timestamp.type", "LogAppendTime")).start()) {
            JobRunner jobs = new JobRunner(broker, services);
            Map<Kind, Integer> sizes = Map.of(Kind.SENSOR, sensorRecords, Kind.IMAGE, imageRecords);
            for (Kind kind : Kind.values()) {
                jobs.prefill(kind, BenchModels.records(kind, sizes.get(kind)));
            }
            // One unreported run first: the first job in a JVM pays for class loading and JIT compilation.
            jobs.copy("warmup", Kind.SENSOR, true);
            for (Kind kind : Kind.values()) {
                runs.add(new Run(
                        kind, "copy-only floor, Kafka default settings", null, jobs.copy("default", kind, false)));
                runs.add(new Run(kind, "copy-only floor, tuned settings", null, jobs.copy("tuned", kind, true)));
                ModelDescriptor noop = BenchModels.noop(kind);
                runs.add(new Run(kind, "serving job, no-op model", noop, jobs.serve(kind, noop)));
                for (ModelDescriptor model : samples) {
                    if (Kind.of(model) == kind) {
                        runs.add(new Run(kind, "serving job", model, jobs.serve(kind, model)));
                    }
                }
            }
        }
        return runs;
    }

    /** Starts the suite's jobs against one broker and measures them. */
    private final class JobRunner {

        private final EmbeddedKafkaBroker broker;
        private final Path services;
        private final BacklogMeter meter;
        private final Map<Kind, Integer> backlog = new LinkedHashMap<>();
        private int sequence;

        JobRunner(EmbeddedKafkaBroker broker, Path services) {
            this.broker = broker;
            this.services = services;
            this.meter = new BacklogMeter(broker.bootstrapServers());
        }

        private String input(Kind kind) {
            return "in-" + kind.label();
        }

        /** Writes the records once (uncompressed, as a plain producer would) to the kind's input topic. */
        void prefill(Kind kind, List<DataRecord> records) throws Exception {
            broker.createTopics(1, input(kind));
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (DataRecord record : records) {
                    producer.send(new ProducerRecord<>(
                            input(kind), record.getKey().getBytes(StandardCharsets.UTF_8), record.toByteArray()));
                }
                producer.flush();
            }
            backlog.put(kind, records.size());
            log.printf(
                    Locale.ROOT,
                    "prefilled %s with %,d records of %,d bytes%n",
                    input(kind),
                    records.size(),
                    records.get(0).getSerializedSize());
        }

        BacklogMeter.Window copy(String name, Kind kind, boolean tuned) throws Exception {
            String run = "r" + sequence++ + "-copy-" + name + "-" + kind.label();
            broker.createTopics(1, run + "-out");
            KafkaIo kafka = KafkaIo.forBrokers(broker.bootstrapServers());
            if (tuned) {
                kafka = withUserProperties(kafka);
            } else {
                kafka = kafka.withoutTunedDefaults();
            }
            StreamExecutionEnvironment env = environment();
            env.setParallelism(1);
            CopyJob.build(env, kafka, input(kind), run + "-out", run);
            return measure(env, run, run + "-out", backlog.get(kind), value -> true);
        }

        BacklogMeter.Window serve(Kind kind, ModelDescriptor model) throws Exception {
            String run = "r" + sequence++ + "-" + model.getName();
            List<String> args = new ArrayList<>(List.of(
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--mode",
                    "keyed",
                    "--parallelism",
                    "1",
                    "--checkpoint-interval-ms",
                    "0",
                    "--group-id",
                    run,
                    "--data-topic",
                    input(kind),
                    "--model-topic",
                    run + "-models",
                    "--results-topic",
                    run + "-results",
                    "--dead-letter-topic",
                    run + "-dead",
                    "--events-topic",
                    run + "-events",
                    "--stats-topic",
                    run + "-stats"));
            for (String property : kafkaProperties) {
                args.add("--kafka-property");
                args.add(property);
            }
            ServingJobConfig config = ServingJobConfig.fromArgs(args.toArray(new String[0]));
            broker.createTopics(1, run + "-models", run + "-results", run + "-dead", run + "-events", run + "-stats");
            publish(run + "-models", model);
            StreamExecutionEnvironment env = environment();
            new ServingJob(config, new KafkaServingIo(config)).build(env);
            return measure(env, run, run + "-results", backlog.get(kind), ThroughputSuite::scored);
        }

        private KafkaIo withUserProperties(KafkaIo kafka) {
            KafkaIo result = kafka;
            for (String property : kafkaProperties) {
                int equals = property.indexOf('=');
                result = result.withClientProperty(property.substring(0, equals), property.substring(equals + 1));
            }
            return result;
        }

        private StreamExecutionEnvironment environment() throws IOException {
            Configuration conf = BenchModelTypes.register(LoopbackFlink.configuration(), services);
            return StreamExecutionEnvironment.createLocalEnvironment(1, conf);
        }

        private void publish(String topic, ModelDescriptor model) throws Exception {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "10485760");
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(
                                topic, model.getDataType().getBytes(StandardCharsets.UTF_8), model.toByteArray()))
                        .get();
            }
        }

        private BacklogMeter.Window measure(
                StreamExecutionEnvironment env, String run, String output, int expected, Predicate<byte[]> counts)
                throws Exception {
            JobClient job = env.executeAsync("bench " + run);
            try {
                meter.awaitRecords(output, expected, Duration.ofMinutes(10));
            } finally {
                job.cancel().get();
            }
            BacklogMeter.Window window = meter.read(output, expected, counts);
            log.printf(
                    Locale.ROOT,
                    "%-40s %,12.0f rec/s  (%,d counted in %,d ms; %,d skipped before the model served; %,d failed)%n",
                    run,
                    window.recordsPerSecond(),
                    window.counted(),
                    window.windowMillis(),
                    window.skipped(),
                    window.uncountedAfterFirst());
            return window;
        }
    }

    private static boolean scored(byte[] value) {
        try {
            return ServingResult.parseFrom(value).getStatus() == ServingStatus.SCORED;
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
    }

    private String table(
            List<Run> runs,
            Map<String, RawEvaluators.Figures> raw,
            String loadBefore,
            String loadAfter,
            Instant started) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(
                Locale.ROOT,
                "Run of %s, %d cores, load average %s at the start and %s at the end; %,d sensor records (%s), %,d"
                        + " image records (784 floats); parallelism 1, keyed mode, no checkpointing (at-least-once"
                        + " sinks); JMH forks %d, %d x %d s warm-up, %d x %d s measured.%n%n",
                started,
                Runtime.getRuntime().availableProcessors(),
                loadBefore,
                loadAfter,
                sensorRecords,
                "3 named features",
                imageRecords,
                jmhForks,
                jmhWarmupIterations,
                jmhSeconds,
                jmhIterations,
                jmhSeconds));
        if (!runs.isEmpty()) {
            t.append("| records | job | rec/s | × tuned floor | × default floor | raw `score` rec/s | raw best"
                    + " `scoreBatch` rec/s (batch) | job / raw best |\n");
            t.append("|---|---|---|---|---|---|---|---|\n");
            for (Kind kind : Kind.values()) {
                double defaultFloor = rate(runs, kind, "copy-only floor, Kafka default settings");
                double tunedFloor = rate(runs, kind, "copy-only floor, tuned settings");
                for (Run run : runs) {
                    if (run.kind() != kind) {
                        continue;
                    }
                    double rate = run.window().recordsPerSecond();
                    RawEvaluators.Figures figures =
                            run.model() == null ? null : raw.get(run.model().getName());
                    t.append(String.format(
                            Locale.ROOT,
                            "| %s | %s | %,.0f | %.2f | %.2f | %s | %s | %s |%n",
                            kind.label(),
                            run.model() == null ? run.what() : run.what() + ", " + BenchModels.describe(run.model()),
                            rate,
                            rate / tunedFloor,
                            rate / defaultFloor,
                            figures == null ? "" : String.format(Locale.ROOT, "%,.0f", figures.scoreRecordsPerSecond()),
                            figures == null
                                    ? ""
                                    : String.format(Locale.ROOT, "%,.0f (%d)", figures.best(), figures.bestBatch()),
                            figures == null ? "" : String.format(Locale.ROOT, "%.2f", rate / figures.best())));
                }
            }
            t.append('\n');
        }
        if (!raw.isEmpty()) {
            t.append("| model | raw `score` rec/s |");
            for (int b : batchSizes) {
                t.append(" `scoreBatch` ").append(b).append(" rec/s |");
            }
            t.append("\n|---|---|").append("---|".repeat(batchSizes.size())).append('\n');
            for (Map.Entry<String, RawEvaluators.Figures> e : raw.entrySet()) {
                t.append(String.format(
                        Locale.ROOT, "| %s | %,.0f |", e.getKey(), e.getValue().scoreRecordsPerSecond()));
                for (int b : batchSizes) {
                    Double v = e.getValue().batchRecordsPerSecond().get(b);
                    t.append(v == null ? " |" : String.format(Locale.ROOT, " %,.0f |", v));
                }
                t.append('\n');
            }
        }
        return t.toString();
    }

    private static double rate(List<Run> runs, Kind kind, String what) {
        return runs.stream()
                .filter(r -> r.kind() == kind && r.what().equals(what))
                .mapToDouble(r -> r.window().recordsPerSecond())
                .findFirst()
                .orElse(Double.NaN);
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " / " + parts[1] + " / " + parts[2];
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
