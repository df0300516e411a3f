package dev.modelserving.deploy.bench;

import dev.modelserving.deploy.bench.BenchModels.Kind;
import dev.modelserving.deploy.samples.CnnModels;
import dev.modelserving.deploy.samples.ForestModels;
import dev.modelserving.deploy.samples.SampleModel;
import dev.modelserving.deploy.samples.SampleModels;
import dev.modelserving.model.warmup.WarmUpSettings;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Does a live model swap show in record latency? The serving job (parallelism 1, keyed mode by default) on a local
 * MiniCluster with one in-process broker serves two record streams of different data types at a steady rate
 * (machine-feature records and 784-float images); after a steady phase the new version of one of the two models is
 * published, and the latency of every record (its send time to the broker's append time of its result) in the second
 * after the job activated the new version is compared with the second before the activation and with the steady
 * phase before the publication (see {@link SwapRunner}). Cases:
 * <ul>
 *   <li>{@code forest}: the ~324 KB random-forest PMML of {@link ForestModels}, one version to the next (other trees),
 *       while the TensorFlow CNN serves the images;</li>
 *   <li>{@code cnn-graph}, {@code cnn-onnx}: the heavy CNN of {@link CnnModels} as a TensorFlow graph or ONNX, one
 *       version to the next (other weights), while the sample PMML regression serves the machine-feature records;</li>
 *   <li>{@code custom}: {@code --swap-to} a user's descriptor (from {@code --swap-from} or from a no-op model) with the
 *       user's {@code --records}, while a bench model serves the other stream.</li>
 * </ul>
 * Every case runs once per {@code --warm-up-ms} value (the job's {@code --warm-up-max-ms}; 0 shows what the warm-up
 * buys) and per mode, each on a fresh job; every run uses new model versions, so no run reuses another's model.
 * Prints a markdown table and writes it to {@code --out}.
 */
@Command(
        name = "swap-latency-bench",
        mixinStandardHelpOptions = true,
        description = "Record latency around a live model swap: the second after the activation against the second"
                + " before it, per data type, with and without the job's warm-up.")
public final class SwapLatencyBench implements Callable<Integer> {

    /** The Δp99 the issue allows: no record waits more than this much longer after a swap. */
    static final double ALLOWED_P99_INCREASE_MS = 10;

    /** A steady p50 above this says the job was not keeping up when the swap came. */
    private static final double BEHIND_P50_MS = 50;

    private static final String FOREST = "forest";
    private static final String CNN_GRAPH = "cnn-graph";
    private static final String CNN_ONNX = "cnn-onnx";
    private static final String CUSTOM = "custom";

    @Option(
            names = "--cases",
            split = ",",
            description = "Cases to run: forest, cnn-graph, cnn-onnx, custom (default: forest,cnn-graph,cnn-onnx;"
                    + " custom alone when --swap-to is given).")
    private List<String> cases;

    @Option(
            names = "--warm-up-ms",
            split = ",",
            defaultValue = WarmUpSettings.DEFAULT_MAX_MILLIS + ",0",
            description = "The job's --warm-up-max-ms of each run of a case (default ${DEFAULT-VALUE}: the job's"
                    + " default, then no warm-up).")
    private List<Long> warmUps;

    @Option(
            names = "--modes",
            split = ",",
            defaultValue = "keyed",
            description = "Serving modes to run each case in: keyed, partitioned (default ${DEFAULT-VALUE}).")
    private List<String> modes;

    @Option(
            names = "--rate",
            defaultValue = "250",
            description = "Records per second of EACH of the two streams (default ${DEFAULT-VALUE}).")
    private int rate;

    @Option(
            names = "--seconds-before",
            defaultValue = "8",
            description = "Seconds of steady traffic before the new version is published (default ${DEFAULT-VALUE};"
                    + " at least 1).")
    private int secondsBefore;

    @Option(
            names = "--seconds-after",
            defaultValue = "2",
            description = "Seconds of traffic after the activation (default ${DEFAULT-VALUE}; at least 1).")
    private int secondsAfter;

    @Option(
            names = "--buffer-timeout-ms",
            defaultValue = "0",
            description = "Flink buffer timeout of the jobs (default ${DEFAULT-VALUE}: every record is flushed at"
                    + " once; the job itself keeps Flink's 100 ms, whose flush interval would add up to 100 ms of"
                    + " noise to every latency and hide a swap's effect).")
    private long bufferTimeoutMs;

    @Option(
            names = "--repeat",
            defaultValue = "1",
            description = "Runs of every case, mode and warm-up (default ${DEFAULT-VALUE}), one after the other.")
    private int repeat;

    @Option(
            names = "--jvm-warm-up",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Whether an unreported run of the first case warms the JVM up first (default: yes;"
                    + " --no-jvm-warm-up skips it).")
    private boolean jvmWarmUp;

    @Option(names = "--swap-to", description = "Case custom: a binary ModelDescriptor file, the model swapped in.")
    private Path swapTo;

    @Option(
            names = "--swap-from",
            description = "Case custom: a binary ModelDescriptor file of the same data type serving before the swap"
                    + " (default: a no-op model).")
    private Path swapFrom;

    @Option(
            names = "--records",
            description = "Case custom: a file of length-delimited DataRecords (writeDelimitedTo) of the data type of"
                    + " --swap-to, sent in a cycle.")
    private Path recordsFile;

    @Option(
            names = "--out",
            defaultValue = "deploy/bench/target/swap-latency.md",
            description = "Where the markdown table is written (default ${DEFAULT-VALUE}).")
    private Path out;

    private final PrintStream log = System.out;
    private final Map<String, Integer> runsOfCase = new HashMap<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new SwapLatencyBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (secondsBefore < 1 || secondsAfter < 1 || rate < 1 || repeat < 1) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--rate, --seconds-before, --seconds-after and --repeat must be at least 1");
        }
        List<String> selected =
                cases != null ? cases : swapTo != null ? List.of(CUSTOM) : List.of(FOREST, CNN_GRAPH, CNN_ONNX);
        if (selected.contains(CUSTOM) && (swapTo == null || recordsFile == null)) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "case custom needs --swap-to and --records");
        }
        String loadBefore = loadAverage();
        Instant started = Instant.now();
        log.println("swap latency bench: " + Runtime.getRuntime().availableProcessors() + " cores, load average "
                + loadBefore);
        Streams streams = new Streams();
        Path services = BenchModelTypes.serviceDirectory();
        List<SwapRunner.Outcome> outcomes = new ArrayList<>();
        try (EmbeddedKafkaBroker broker =
                new EmbeddedKafkaBroker(Map.of("log.message.timestamp.type", "LogAppendTime")).start()) {
            SwapRunner runner =
                    new SwapRunner(broker, services, rate, secondsBefore, secondsAfter, bufferTimeoutMs, log);
            if (jvmWarmUp) {
                // One unreported run first: the first job in a JVM pays for class loading and JIT compilation of the
                // whole pipeline (its steady phase ran seconds behind its input here).
                SwapRunner.Outcome warm = runner.run(plan(selected.get(0), streams), modes.get(0), warmUps.get(0));
                log.println("(unreported JVM warm-up run: " + warm.sent() + " records)");
            }
            for (int round = 0; round < repeat; round++) {
                for (String mode : modes) {
                    for (String name : selected) {
                        for (long warmUp : warmUps) {
                            outcomes.add(runner.run(plan(name, streams), mode, warmUp));
                        }
                    }
                }
            }
        }
        String table = table(outcomes, loadBefore, loadAverage(), started);
        log.println();
        log.println(table);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, table, StandardCharsets.UTF_8);
        log.println("written to " + out.toAbsolutePath());
        return 0;
    }

    /** The bench's record streams and the models that serve them unchanged; built once (training takes seconds). */
    private static final class Streams {

        private final SwapRunner.Stream features;
        private final SwapRunner.Stream images;
        private final ModelDescriptor cnnGraph = CnnModels.tensorflow().descriptor();
        private final ModelDescriptor cnnOnnx = CnnModels.onnx().descriptor();

        Streams() {
            ModelDescriptor forecast = SampleModels.build().stream()
                    .map(SampleModel::descriptor)
                    .filter(d -> d.getName().equals(SampleModels.TEMPERATURE_FORECAST) && d.getVersion() == 1)
                    .findFirst()
                    .orElseThrow();
            features = new SwapRunner.Stream("bystander", forecast, BenchModels.records(Kind.SENSOR, 2000));
            images = new SwapRunner.Stream("bystander", cnnGraph, CnnModels.images(SampleModels.SEED, 500));
        }
    }

    /** The plan of the next run of case {@code name}: new versions every run. */
    private SwapRunner.Plan plan(String name, Streams streams) throws IOException {
        int run = runsOfCase.merge(name, 1, Integer::sum) - 1;
        int from = 2 * run + 1;
        int to = from + 1;
        switch (name) {
            case FOREST -> {
                ModelDescriptor v1 = ForestModels.forest(from).descriptor();
                ModelDescriptor v2 = ForestModels.forest(to).descriptor();
                log.printf(
                        Locale.ROOT,
                        "forest v%d: %,d bytes of PMML; v%d: %,d bytes%n",
                        from,
                        v1.getArtifactBytes().size(),
                        to,
                        v2.getArtifactBytes().size());
                return new SwapRunner.Plan(FOREST, swapped(v1, streams.features.records()), v2, streams.images);
            }
            case CNN_GRAPH, CNN_ONNX -> {
                ModelDescriptor sample = name.equals(CNN_GRAPH) ? streams.cnnGraph : streams.cnnOnnx;
                return new SwapRunner.Plan(
                        name,
                        swapped(SwapModels.cnn(sample, from), streams.images.records()),
                        SwapModels.cnn(sample, to),
                        streams.features);
            }
            case CUSTOM -> {
                ModelDescriptor target = SwapModels.readDescriptor(swapTo);
                ModelDescriptor initial =
                        swapFrom != null ? SwapModels.readDescriptor(swapFrom) : SwapModels.noop(target.getDataType());
                List<DataRecord> records = SwapModels.readRecords(recordsFile);
                SwapRunner.Stream bystander =
                        target.getDataType().equals(CnnModels.DATA_TYPE) ? streams.features : streams.images;
                return new SwapRunner.Plan(CUSTOM, swapped(initial, records), target, bystander);
            }
            default ->
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "unknown case " + name + " (forest, cnn-graph, cnn-onnx, custom)");
        }
    }

    private static SwapRunner.Stream swapped(ModelDescriptor initial, List<DataRecord> records) {
        return new SwapRunner.Stream("swapped", initial, records);
    }

    private String table(List<SwapRunner.Outcome> outcomes, String loadBefore, String loadAfter, Instant started) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(
                Locale.ROOT,
                "Run of %s, %d cores, load average %s at the start and %s at the end; %d records/s of each of the"
                        + " two data types, %d s steady before the publication, parallelism 1, Flink buffer timeout"
                        + " %d ms, no checkpointing. Latency = broker append time of the result − send time of the"
                        + " record (ms), p50 / p99 / max over the records sent in: the steady phase from 2 s after"
                        + " its start to the publication of the new version (steady), the second before the"
                        + " activation, the second after it. Scoring = the job's own scoring time of those records"
                        + " (latency_nanos). Within 10 ms: Δp99 after − before and after − steady both at most"
                        + " 10 ms.%n%n",
                started,
                Runtime.getRuntime().availableProcessors(),
                loadBefore,
                loadAfter,
                rate,
                secondsBefore,
                bufferTimeoutMs));
        t.append("| case | mode | warm-up max | swap | stream | publication → activation | load (warm-up) |"
                + " steady | before activation | after activation | Δp99 after − before | Δp99 after − steady |"
                + " Δp99 before − steady |"
                + " scoring p99 steady / before / after | not scored | after: by the new version | within 10 ms |\n");
        t.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (SwapRunner.Outcome o : outcomes) {
            ModelEvent activated = o.activated();
            ModelDescriptor to = o.plan().swapTo();
            String swap = o.plan().swapped().initial().getName() + "@"
                    + o.plan().swapped().initial().getVersion() + " → " + to.getName() + "@" + to.getVersion();
            for (Map.Entry<String, SwapRunner.Latencies> e : o.byRole().entrySet()) {
                SwapRunner.Latencies l = e.getValue();
                SwapRunner.Stream stream = e.getKey().equals(o.plan().swapped().role())
                        ? o.plan().swapped()
                        : o.plan().bystander();
                double sinceBefore = l.after().p99() - l.before().p99();
                double sinceSteady = l.after().p99() - l.steady().p99();
                t.append(String.format(
                        Locale.ROOT,
                        "| %s | %s | %d ms | %s | %s `%s` | %d ms | %d ms (%d ms, %d calls%s) | %s | %s | %s | %+.0f ms |"
                                + " %+.0f ms | %+.0f ms | %.0f / %.0f / %.0f µs | %d | %d | %s |%n",
                        o.plan().name(),
                        o.mode(),
                        o.warmUpMaxMs(),
                        swap,
                        e.getKey(),
                        stream.dataType(),
                        activated.getTimestampMillis() - o.publishedMillis(),
                        activated.getLoadMillis(),
                        activated.getWarmUpMillis(),
                        activated.getWarmUpCalls(),
                        activated.getWarmUpCalls() == 0 ? "" : activated.getWarmUpStable() ? ", stable" : ", bound",
                        format(l.steady()),
                        format(l.before()),
                        format(l.after()),
                        sinceBefore,
                        sinceSteady,
                        l.before().p99() - l.steady().p99(),
                        l.steadyScoring().p99(),
                        l.beforeScoring().p99(),
                        l.afterScoring().p99(),
                        l.notScored(),
                        l.byNewVersion(),
                        sinceBefore <= ALLOWED_P99_INCREASE_MS && sinceSteady <= ALLOWED_P99_INCREASE_MS
                                ? "yes"
                                : "**no**"));
            }
        }
        List<String> behind = new ArrayList<>();
        for (SwapRunner.Outcome o : outcomes) {
            for (Map.Entry<String, SwapRunner.Latencies> e : o.byRole().entrySet()) {
                if (e.getValue().steady().p50() > BEHIND_P50_MS) {
                    behind.add(
                            o.plan().name() + " (" + o.mode() + ", warm-up " + o.warmUpMaxMs() + " ms) " + e.getKey());
                }
            }
        }
        if (!behind.isEmpty()) {
            t.append(String.format(
                    Locale.ROOT,
                    "%nSteady p50 above %.0f ms (the job was behind its input, or the machine busy: these windows"
                            + " measure queueing as much as the swap): %s.%n",
                    BEHIND_P50_MS,
                    String.join("; ", behind)));
        }
        return t.toString();
    }

    private static String format(Percentiles p) {
        return p.count() == 0
                ? "no records"
                : String.format(Locale.ROOT, "%.0f / %.0f / %.0f (n=%d)", p.p50(), p.p99(), p.max(), p.count());
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
