package dev.modelserving.deploy.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.deploy.bench.BenchModels.Kind;
import dev.modelserving.flink.serving.BatchSettings;
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
import java.util.Optional;
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
 * then, per record set (the machine-feature records the sample models take; 784-float image records for the heavy
 * CNN; and the user's own records with the user's own models, {@code --records} and {@code --model}), jobs that each
 * work through the same backlog of records on the same input topic:
 * <ol>
 *   <li>the copy-only floor ({@link CopyJob}) with Kafka's default client settings;</li>
 *   <li>the same copy job with the job's tuned settings ({@link KafkaIo#TUNED_CONSUMER_DEFAULTS},
 *       {@link KafkaIo#TUNED_PRODUCER_DEFAULTS});</li>
 *   <li>the serving job (keyed mode) with a no-op model ({@link ConstantModelFactory});</li>
 *   <li>the serving job with each model of that set, at the job's batch size, and for the image and user sets also
 *       at batch size 1 (batching off).</li>
 * </ol>
 * Every job runs at parallelism 1 without checkpointing (at-least-once sinks), on a fresh MiniCluster with a fresh
 * consumer group and output topic. The rate of a run is measured from its output ({@link BacklogMeter}); results
 * before the model became current (NO_MODEL) are not counted. The latency batching added is each result's
 * {@code batch_wait_nanos}. Prints a markdown table (rec/s and the ratios to the tuned and the default floor of the
 * same records, to the batch-1 job and to the raw evaluator) and writes it to {@code --out}.
 */
@Command(
        name = "throughput-suite",
        mixinStandardHelpOptions = true,
        description = "Copy-only floors, the serving job with a no-op model and with every sample model (and your own"
                + " models on your own records), and the raw evaluators (JMH), in one run.")
public final class ThroughputSuite implements Callable<Integer> {

    @Option(
            names = "--feature-records",
            defaultValue = "400000",
            description = "Machine-feature records in the backlog of the sample models (default ${DEFAULT-VALUE}).")
    private int featureRecords;

    @Option(
            names = "--image-records",
            defaultValue = "150000",
            description = "Image records (784 floats) in the backlog of the heavy CNN (default ${DEFAULT-VALUE}).")
    private int imageRecords;

    @Option(
            names = "--records",
            description = "Your own records (one data type), served by the --model descriptors: CSV or JSON lines with"
                    + " --mapping, or length-delimited DataRecords (see --records-format).")
    private Path userRecordsFile;

    @Option(
            names = "--records-format",
            defaultValue = "data-record",
            description = "Format of --records: csv, json (both with --mapping, as the job's --record-mapping) or"
                    + " data-record (length-delimited DataRecord messages; default).")
    private String userRecordsFormat;

    @Option(
            names = "--mapping",
            description = "Record mapping of --records (JSON file, as the job's --record-mapping).")
    private Path userMapping;

    @Option(names = "--header", description = "The CSV file of --records starts with a header line.")
    private boolean userHeader;

    @Option(
            names = "--user-records",
            defaultValue = "1000000",
            description = "Records in the backlog of --records (cycled with unique ids; default ${DEFAULT-VALUE}).")
    private int userRecordCount;

    @Option(
            names = "--warm-up-fraction",
            defaultValue = "0.25",
            description = "The share of each job run's output that is its warm-up (JIT compilation of the new job),"
                    + " left out of its rate and CPU figures (default ${DEFAULT-VALUE}; 0 measures all of it).")
    private double warmUpFraction;

    @Option(
            names = "--model",
            description = "A ModelDescriptor file (binary, e.g. from `modelctl descriptor --out`) serving --records"
                    + " (repeatable).")
    private List<Path> userModels = new ArrayList<>();

    @Option(
            names = "--skip-samples",
            description = "Only your own records and models (--records, --model), not the sample models and the CNN.")
    private boolean skipSamples;

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
            description = "JMH forks (default ${DEFAULT-VALUE}; 0 runs in this JVM).")
    private int jmhForks;

    @Option(
            names = "--batch-sizes",
            split = ",",
            defaultValue = "1,8,32,128",
            description = "scoreBatch sizes for JMH (default ${DEFAULT-VALUE}; the job's --batch-size is added).")
    private List<Integer> batchSizes;

    @Option(
            names = "--batch-size",
            defaultValue = "" + BatchSettings.DEFAULT_SIZE,
            description = "The serving jobs' --batch-size (default ${DEFAULT-VALUE}, the job's default).")
    private int jobBatchSize;

    @Option(
            names = "--skip-batch-one-runs",
            description = "Do not run every model again at batch size 1 (batching off).")
    private boolean skipBatchOneRuns;

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
            names = "--job-arg",
            description = "An argument added to every serving job's flags (repeatable), e.g. --job-arg=--mode"
                    + " --job-arg=partitioned.")
    private List<String> jobArgs = new ArrayList<>();

    @Option(
            names = "--out",
            defaultValue = "deploy/bench/target/throughput.md",
            description = "Where the markdown table is written (default ${DEFAULT-VALUE}).")
    private Path out;

    private final PrintStream log = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ThroughputSuite()).execute(args));
    }

    /**
     * The records one group of jobs works through, and the models that serve them.
     *
     * @param batchOneRuns whether each model also runs at batch size 1
     */
    private record RecordSet(
            String label,
            List<DataRecord> records,
            int count,
            DataRecord first,
            List<ModelDescriptor> models,
            boolean batchOneRuns) {

        static RecordSet of(
                String label, List<DataRecord> records, List<ModelDescriptor> models, boolean batchOneRuns) {
            return new RecordSet(label, new ArrayList<>(records), records.size(), records.get(0), models, batchOneRuns);
        }

        String dataType() {
            return first.getDataType();
        }

        /** Drops the records once they are on their topic, so the jobs' JVM does not carry them. */
        void release() {
            records.clear();
        }

        String describe() {
            return String.format(
                    Locale.ROOT,
                    "%,d %s records of %,d bytes (data type `%s`)",
                    count,
                    label,
                    first.getSerializedSize(),
                    dataType());
        }
    }

    /**
     * One measured job run.
     *
     * @param model null for the copy jobs
     * @param batchSize the serving job's --batch-size (0 for the copy jobs)
     * @param cpu the JVM's CPU time while the job wrote its output
     * @param batchWaitMicros how long the counted results waited in their micro-batch (null for the copy jobs)
     */
    private record Run(
            RecordSet set,
            String what,
            ModelDescriptor model,
            int batchSize,
            Measured measured,
            Percentiles batchWaitMicros) {

        BacklogMeter.Window window() {
            return measured.window();
        }
    }

    /** What a job run measured: its output's rate, and the CPU time the JVM spent meanwhile. */
    private record Measured(BacklogMeter.Window window, BacklogMeter.CpuWindow cpu) {}

    @Override
    public Integer call() throws Exception {
        if (!(warmUpFraction >= 0 && warmUpFraction < 1)) {
            // Refused before the JMH part, not after it.
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--warm-up-fraction must be in [0, 1), not " + warmUpFraction);
        }
        String loadBefore = loadAverage();
        Instant started = Instant.now();
        log.println("throughput suite: " + Runtime.getRuntime().availableProcessors() + " cores, load average "
                + loadBefore);
        List<RecordSet> sets = recordSets();
        List<ModelDescriptor> models =
                sets.stream().flatMap(set -> set.models().stream()).toList();
        Path modelsDir = Files.createTempDirectory("bench-models");
        BenchModels.write(models, modelsDir);
        for (RecordSet set : sets) {
            if (set.label().equals(USER)) {
                UserRecords.write(
                        set.records().subList(0, Math.min(set.records().size(), 4096)),
                        modelsDir.resolve(set.dataType() + RawEvaluatorBenchmark.RECORDS_FILE_SUFFIX));
            }
        }

        Map<String, RawEvaluators.Figures> raw = new LinkedHashMap<>();
        if (!skipJmh) {
            RawEvaluators evaluators = new RawEvaluators(
                    modelsDir, jmhWarmupIterations, jmhIterations, TimeValue.seconds(jmhSeconds), jmhForks);
            if (jmhForks == 0) {
                evaluators.shareModelsDirectory();
            }
            raw.putAll(evaluators.measure(
                    models.stream().map(ModelDescriptor::getName).toList(), jmhBatchSizes()));
        }
        List<Run> runs = new ArrayList<>();
        if (!jmhOnly) {
            runs.addAll(jobRuns(sets, models));
        }
        String table = table(sets, runs, raw, loadBefore, loadAverage(), started);
        log.println();
        log.println(table);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, table, StandardCharsets.UTF_8);
        log.println("written to " + out.toAbsolutePath());
        return 0;
    }

    private static final String USER = "user";

    /** The sample sets (unless skipped) and the user's set (when --records is given). */
    private List<RecordSet> recordSets() throws IOException {
        List<RecordSet> sets = new ArrayList<>();
        if (!skipSamples) {
            List<ModelDescriptor> samples = BenchModels.samples().stream()
                    .filter(m -> onlyModels == null || onlyModels.contains(m.getName()))
                    .toList();
            for (Kind kind : Kind.values()) {
                sets.add(RecordSet.of(
                        kind.label(),
                        BenchModels.records(kind, kind == Kind.IMAGE ? imageRecords : featureRecords),
                        samples.stream().filter(m -> Kind.of(m) == kind).toList(),
                        !skipBatchOneRuns));
            }
        }
        if (userRecordsFile != null) {
            List<DataRecord> read = UserRecords.read(
                    userRecordsFile, UserRecords.Format.of(userRecordsFormat), userMapping, userHeader);
            List<ModelDescriptor> models = new ArrayList<>();
            for (Path file : userModels) {
                ModelDescriptor model = ModelDescriptor.parseFrom(Files.readAllBytes(file));
                if (!model.getDataType().equals(read.get(0).getDataType())) {
                    throw new CommandLine.ParameterException(
                            new CommandLine(this),
                            file + " serves data type '" + model.getDataType() + "', --records have '"
                                    + read.get(0).getDataType() + "'");
                }
                models.add(model);
            }
            sets.add(RecordSet.of(USER, UserRecords.cycle(read, userRecordCount, "u-"), models, !skipBatchOneRuns));
        } else if (!userModels.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--model needs --records");
        }
        if (sets.isEmpty()) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--skip-samples needs --records");
        }
        return sets;
    }

    private List<Integer> jmhBatchSizes() {
        java.util.TreeSet<Integer> sizes = new java.util.TreeSet<>(batchSizes);
        sizes.add(jobBatchSize);
        return List.copyOf(sizes);
    }

    private List<Run> jobRuns(List<RecordSet> sets, List<ModelDescriptor> models) throws Exception {
        // Load every model once in this JVM: native libraries and classes are then loaded before any job runs, so a
        // model becomes current within milliseconds of a job's start.
        ModelLoader loader = ModelLoader.withDiscoveredFactories(LoadPolicy.defaults());
        for (ModelDescriptor model : models) {
            try (Model loaded = loader.load(model)) {
                log.println("loaded " + loaded.id());
            }
        }
        Path services = BenchModelTypes.serviceDirectory();
        List<Run> runs = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(Map.of(
                        "log.message.timestamp.type",
                        "LogAppendTime",
                        "message.max.bytes",
                        String.valueOf(MAX_MESSAGE_BYTES)))
                .start()) {
            JobRunner jobs = new JobRunner(broker, services, warmUpFraction);
            for (RecordSet set : sets) {
                jobs.prefill(set);
            }
            // Unreported runs first: the first job in a JVM pays for class loading and JIT compilation, of the copy
            // path and of the serving path (parsing, the serving operator, results), else the first serving run of
            // the table (the no-op job's) pays it.
            jobs.copy("warmup", sets.get(0), true);
            jobs.serve(sets.get(0), BenchModels.noop(sets.get(0).dataType()), jobBatchSize);
            for (RecordSet set : sets) {
                runs.add(jobs.copy("default", set, false));
                runs.add(jobs.copy("tuned", set, true));
                runs.add(jobs.serve(set, BenchModels.noop(set.dataType()), jobBatchSize));
                for (ModelDescriptor model : set.models()) {
                    jobs.serveOrReport(set, model, jobBatchSize).ifPresent(runs::add);
                    if (set.batchOneRuns() && jobBatchSize != 1) {
                        jobs.serveOrReport(set, model, 1).ifPresent(runs::add);
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
        private int sequence;

        JobRunner(EmbeddedKafkaBroker broker, Path services, double warmUpFraction) {
            this.broker = broker;
            this.services = services;
            this.meter = new BacklogMeter(broker.bootstrapServers(), warmUpFraction);
        }

        private String input(RecordSet set) {
            return "in-" + set.label();
        }

        /** Writes the records once (uncompressed, as a plain producer would) to the set's input topic. */
        void prefill(RecordSet set) throws Exception {
            broker.createTopics(1, input(set));
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            props.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_MESSAGE_BYTES));
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (DataRecord record : set.records()) {
                    producer.send(new ProducerRecord<>(
                            input(set), record.getKey().getBytes(StandardCharsets.UTF_8), record.toByteArray()));
                }
                producer.flush();
            }
            set.release();
            log.println("prefilled " + input(set) + " with " + set.describe());
        }

        Run copy(String name, RecordSet set, boolean tuned) throws Exception {
            String run = "r" + sequence++ + "-copy-" + name + "-" + set.label();
            broker.createTopics(1, run + "-out");
            KafkaIo kafka = KafkaIo.forBrokers(broker.bootstrapServers());
            if (tuned) {
                kafka = withUserProperties(kafka);
            } else {
                kafka = kafka.withoutTunedDefaults();
            }
            StreamExecutionEnvironment env = environment();
            env.setParallelism(1);
            CopyJob.build(env, kafka, input(set), run + "-out", run);
            Measured measured = measure(env, run, run + "-out", set.count(), value -> true);
            return new Run(set, tuned ? TUNED_FLOOR : DEFAULT_FLOOR, null, 0, measured, null);
        }

        /** A serving run, or empty (with the reason printed) when it fails: one model must not cost the table. */
        Optional<Run> serveOrReport(RecordSet set, ModelDescriptor model, int batchSize) throws InterruptedException {
            try {
                return Optional.of(serve(set, model, batchSize));
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                log.println("FAILED: " + model.getName() + " at batch " + batchSize + ": " + e);
                return Optional.empty();
            }
        }

        Run serve(RecordSet set, ModelDescriptor model, int batchSize) throws Exception {
            String run = "r" + sequence++ + "-" + model.getName() + "-b" + batchSize;
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
                    input(set),
                    "--model-topic",
                    run + "-models",
                    "--results-topic",
                    run + "-results",
                    "--dead-letter-topic",
                    run + "-dead",
                    "--events-topic",
                    run + "-events",
                    "--stats-topic",
                    run + "-stats",
                    "--batch-size",
                    String.valueOf(batchSize)));
            for (String property : kafkaProperties) {
                args.add("--kafka-property");
                args.add(property);
            }
            args.addAll(jobArgs);
            ServingJobConfig config = ServingJobConfig.fromArgs(args.toArray(new String[0]));
            broker.createTopics(1, run + "-models", run + "-results", run + "-dead", run + "-events", run + "-stats");
            publish(run + "-models", model);
            StreamExecutionEnvironment env = environment();
            new ServingJob(config, new KafkaServingIo(config)).build(env);
            int expected = set.count();
            Measured measured = measure(env, run, run + "-results", expected, ThroughputSuite::scored);
            Percentiles wait = meter.sample(run + "-results", expected, ThroughputSuite::batchWaitMicros);
            log.println("  batch wait p50 / p99 / max: " + wait.format("µs"));
            return new Run(set, "serving job", model, batchSize, measured, wait);
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
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_MESSAGE_BYTES));
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(
                                topic, model.getDataType().getBytes(StandardCharsets.UTF_8), model.toByteArray()))
                        .get();
            }
        }

        private Measured measure(
                StreamExecutionEnvironment env, String run, String output, int expected, Predicate<byte[]> counts)
                throws Exception {
            JobClient job = env.executeAsync("bench " + run);
            BacklogMeter.CpuWindow cpu;
            try {
                cpu = meter.awaitRecords(output, expected, Duration.ofMinutes(10));
            } finally {
                job.cancel().get();
            }
            BacklogMeter.Window window = meter.read(output, expected, counts);
            log.printf(
                    Locale.ROOT,
                    "%-40s %,12.0f rec/s  %,8.1f CPU µs/rec  busiest thread %.0f %% of a core (%s)  JIT %,d ms  (%,d"
                            + " counted in %,d ms after %,d warm-up records; %,d skipped before the model served; %,d"
                            + " failed)%n",
                    run,
                    window.recordsPerSecond(),
                    cpu.cpuMicrosPerRecord(),
                    cpu.busiest().percentOfACore(),
                    cpu.busiest().shortName(),
                    cpu.busiest().jitMillis(),
                    window.counted(),
                    window.windowMillis(),
                    window.warmUp(),
                    window.skipped(),
                    window.uncountedAfterFirst());
            return new Measured(window, cpu);
        }
    }

    /** Largest message the suite's broker and producers take: the heavy samples' descriptors carry megabytes. */
    private static final int MAX_MESSAGE_BYTES = 64 << 20;

    private static final String DEFAULT_FLOOR = "copy-only floor, Kafka default settings";
    private static final String TUNED_FLOOR = "copy-only floor, tuned settings";

    /** A SCORED result's batch wait in microseconds; NaN for other output. */
    private static double batchWaitMicros(byte[] value) {
        try {
            ServingResult result = ServingResult.parseFrom(value);
            return result.getStatus() == ServingStatus.SCORED ? result.getBatchWaitNanos() / 1000.0 : Double.NaN;
        } catch (InvalidProtocolBufferException e) {
            return Double.NaN;
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
            List<RecordSet> sets,
            List<Run> runs,
            Map<String, RawEvaluators.Figures> raw,
            String loadBefore,
            String loadAfter,
            Instant started) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(
                Locale.ROOT,
                "Run of %s, %d cores, load average %s at the start and %s at the end; %s; parallelism 1, keyed mode,"
                        + " no checkpointing (at-least-once sinks), serving jobs at --batch-size %d%s; the first %.0f %% of"
                        + " each run's output is its warm-up, not measured (--warm-up-fraction); %s.%n%n",
                started,
                Runtime.getRuntime().availableProcessors(),
                loadBefore,
                loadAfter,
                String.join("; ", sets.stream().map(RecordSet::describe).toList()),
                jobBatchSize,
                jobArgs.isEmpty() ? "" : " " + String.join(" ", jobArgs),
                100 * warmUpFraction,
                skipJmh
                        ? "no JMH part (--skip-jmh)"
                        : String.format(
                                Locale.ROOT,
                                "JMH forks %d, %d x %d s warm-up, %d x %d s measured",
                                jmhForks,
                                jmhWarmupIterations,
                                jmhSeconds,
                                jmhIterations,
                                jmhSeconds)));
        if (!runs.isEmpty()) {
            t.append(
                    "| records | job | batch | rec/s | × tuned floor | × default floor | × batch-1 job | JVM CPU µs / rec"
                            + " | busiest thread, % of a core | JIT compile ms | batch wait p50 / p99 µs | raw `score` rec/s | raw `scoreBatch` at the job's batch rec/s | job /"
                            + " raw at its batch | raw best rec/s (batch) |\n");
            t.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            for (RecordSet set : sets) {
                double defaultFloor = rate(runs, set, DEFAULT_FLOOR);
                double tunedFloor = rate(runs, set, TUNED_FLOOR);
                for (Run run : runs) {
                    if (run.set() != set) {
                        continue;
                    }
                    double rate = run.window().recordsPerSecond();
                    RawEvaluators.Figures figures =
                            run.model() == null ? null : raw.get(run.model().getName());
                    Double rawAtBatch = figures == null
                            ? null
                            : run.batchSize() <= 1
                                    ? figures.scoreRecordsPerSecond()
                                    : figures.batchRecordsPerSecond().get(run.batchSize());
                    double batchOne = run.model() == null || run.batchSize() == 1
                            ? Double.NaN
                            : runs.stream()
                                    .filter(r -> r.set() == set && r.model() == run.model() && r.batchSize() == 1)
                                    .mapToDouble(r -> r.window().recordsPerSecond())
                                    .findFirst()
                                    .orElse(Double.NaN);
                    t.append(String.format(
                            Locale.ROOT,
                            "| %s | %s | %s | %,.0f | %.2f | %.2f | %s | %.1f | %s: %.0f %% | %,d | %s | %s | %s | %s | %s |%n",
                            set.label(),
                            run.model() == null ? run.what() : run.what() + ", " + BenchModels.describe(run.model()),
                            run.model() == null ? "" : String.valueOf(run.batchSize()),
                            rate,
                            rate / tunedFloor,
                            rate / defaultFloor,
                            Double.isNaN(batchOne) ? "" : String.format(Locale.ROOT, "%.2f", rate / batchOne),
                            run.measured().cpu().cpuMicrosPerRecord(),
                            run.measured().cpu().busiest().shortName(),
                            run.measured().cpu().busiest().percentOfACore(),
                            run.measured().cpu().busiest().jitMillis(),
                            run.batchWaitMicros() == null
                                            || run.batchWaitMicros().count() == 0
                                    ? ""
                                    : String.format(
                                            Locale.ROOT,
                                            "%,.0f / %,.0f",
                                            run.batchWaitMicros().p50(),
                                            run.batchWaitMicros().p99()),
                            figures == null ? "" : String.format(Locale.ROOT, "%,.0f", figures.scoreRecordsPerSecond()),
                            rawAtBatch == null ? "" : String.format(Locale.ROOT, "%,.0f", rawAtBatch),
                            rawAtBatch == null ? "" : String.format(Locale.ROOT, "%.2f", rate / rawAtBatch),
                            figures == null
                                    ? ""
                                    : String.format(Locale.ROOT, "%,.0f (%d)", figures.best(), figures.bestBatch())));
                }
            }
            t.append('\n');
        }
        if (!raw.isEmpty()) {
            List<Integer> sizes = jmhBatchSizes();
            t.append("| model | raw `score` rec/s |");
            for (int b : sizes) {
                t.append(" `scoreBatch` ").append(b).append(" rec/s |");
            }
            t.append("\n|---|---|").append("---|".repeat(sizes.size())).append('\n');
            for (Map.Entry<String, RawEvaluators.Figures> e : raw.entrySet()) {
                t.append(String.format(
                        Locale.ROOT, "| %s | %,.0f |", e.getKey(), e.getValue().scoreRecordsPerSecond()));
                for (int b : sizes) {
                    Double v = e.getValue().batchRecordsPerSecond().get(b);
                    t.append(v == null ? " |" : String.format(Locale.ROOT, " %,.0f |", v));
                }
                t.append('\n');
            }
        }
        return t.toString();
    }

    private static double rate(List<Run> runs, RecordSet set, String what) {
        return runs.stream()
                .filter(r -> r.set() == set && r.what().equals(what))
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
