package dev.modelserving.deploy.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.deploy.samples.WideMlp;
import dev.modelserving.deploy.samples.WideMlpOnnx;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Memory for p slots on ONE TaskManager serving one big model by reference, and the checkpoint size with it (issue
 * 10: "memory for p slots on one TaskManager ≈ one copy", "checkpoint size independent of model size").
 *
 * <p>The bench writes a big ONNX model ({@link WideMlp}: seeded dense layers, about 128 MiB of float weights by
 * default) and a tiny one of the same shape of graph (a few KB, the baseline: same runtime, same job, same native
 * library loaded) into a directory, and publishes descriptors that REFERENCE them ({@code file:} URI + SHA-256 inside
 * {@code --allowed-model-roots}), never their bytes. Then, for each p of {@code --slots} and each model, a FRESH child
 * JVM ({@link SharedModelMemoryRun}, same class path) runs a MiniCluster with one TaskManager of p slots and the real
 * serving job in partitioned mode at parallelism p (every subtask serves the model; checkpoints every
 * {@code --checkpoint-interval-ms}) against this JVM's in-process broker. The bench waits for p ACTIVATED events of
 * the model (checking that exactly one subtask built the instance and the others share it) and for SCORED results of
 * records sent to every partition; the child then checks that every serving subtask counted SCORED results, waits for
 * a checkpoint completed after that, runs a full GC and reads its resident set (VmRSS), peak (VmHWM), heap after GC
 * and the JVM's own committed memory (Native Memory Tracking). Memory of the model = RSS with the big model − RSS
 * with the tiny model at the same p; with sharing it stays about one copy whatever p.
 */
@Command(
        name = "shared-model-memory-bench",
        mixinStandardHelpOptions = true,
        description = "Memory of p slots on one TaskManager serving one big referenced model (fresh JVM per"
                + " measurement), and the checkpoint size with it.")
public final class SharedModelMemoryBench implements Callable<Integer> {

    private static final String DATA_TYPE = "wide-features";
    private static final String MODEL = "wide-mlp";
    private static final long SEED = 20_260_101L;
    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final double MIB = 1024.0 * 1024.0;

    @Option(
            names = "--slots",
            split = ",",
            defaultValue = "1,2,4",
            description = "Slots of the TaskManager = parallelism of the job, one fresh JVM each (default"
                    + " ${DEFAULT-VALUE}).")
    private List<Integer> slots;

    @Option(
            names = "--width",
            defaultValue = "2048",
            description = "Units per hidden layer of the big model (default ${DEFAULT-VALUE}).")
    private int width;

    @Option(
            names = "--hidden-layers",
            defaultValue = "9",
            description = "Hidden layers of the big model; each beyond the first adds width x width floats"
                    + " (default ${DEFAULT-VALUE}: 8 matrices of 2048 x 2048, about 128 MiB).")
    private int hiddenLayers;

    @Option(names = "--inputs", defaultValue = "64", description = "Features per record (default ${DEFAULT-VALUE}).")
    private int inputs;

    @Option(
            names = "--records-per-partition",
            defaultValue = "20",
            description = "Records sent to each partition of the data topic once the model is active (default"
                    + " ${DEFAULT-VALUE}).")
    private int recordsPerPartition;

    @Option(
            names = "--checkpoint-interval-ms",
            defaultValue = "1000",
            description = "Checkpoint interval of the job (default ${DEFAULT-VALUE}).")
    private long checkpointIntervalMs;

    @Option(
            names = "--child-heap",
            defaultValue = "1g",
            description = "-Xmx of each child JVM (default ${DEFAULT-VALUE}).")
    private String childHeap;

    @Option(names = "--out", description = "Also write the markdown table to this file.")
    private Path out;

    private final PrintStream console = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SharedModelMemoryBench()).execute(args));
    }

    /** A model of the bench: its referencing descriptor and the size of its artifact. */
    private record Published(String label, ModelDescriptor descriptor, long artifactBytes) {}

    /** What one child JVM measured, and what the model events said. */
    private record Measurement(
            String model,
            int slots,
            long artifactBytes,
            Map<String, Long> figures,
            int builtInstances,
            int sharedInstances,
            long seconds) {

        long get(String key) {
            Long value = figures.get(key);
            if (value == null) {
                throw new IllegalStateException("the child reported no " + key + ": " + figures);
            }
            return value;
        }
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("shared-model-memory");
        Path root = Files.createDirectories(work.resolve("models"));
        console.printf(
                Locale.ROOT,
                "shared-model memory bench: slots %s, %d cores, work directory %s%n",
                slots,
                Runtime.getRuntime().availableProcessors(),
                work);
        Published tiny = publish(root, "tiny", 1, WideMlp.seeded(SEED, inputs, 16, 2, 4));
        Published big = publish(root, "big", 2, WideMlp.seeded(SEED, inputs, width, hiddenLayers, 4));
        List<Measurement> measurements = new ArrayList<>();
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().start();
                ArtifactsRemoved removed = new ArtifactsRemoved(work)) {
            for (int p : slots) {
                for (Published model : List.of(tiny, big)) {
                    Measurement m = new Run(broker, work, root, model, p).measure();
                    console.printf(
                            Locale.ROOT,
                            "  %s model, p=%d: RSS %.1f MiB (after C-heap trim %.1f), peak %.1f MiB, heap used %.1f /"
                                    + " committed %.1f MiB, JVM (NMT) committed %.1f MiB, checkpoint %d B,"
                                    + " instances built %d / shared %d, %d s%n",
                            m.model(),
                            p,
                            m.get("rss") / MIB,
                            m.get("trimmedRss") / MIB,
                            m.get("peakRss") / MIB,
                            m.get("heapUsed") / MIB,
                            m.get("heapCommitted") / MIB,
                            m.get("nmtCommitted") / MIB,
                            m.get("checkpointBytes"),
                            m.builtInstances(),
                            m.sharedInstances(),
                            m.seconds());
                    measurements.add(m);
                }
            }
        }
        String table = table(measurements, big);
        console.println();
        console.println(table);
        if (out != null) {
            Files.writeString(out, table);
        }
        return 0;
    }

    /** Deletes the artifacts and the children's model caches (hundreds of MB) when closed; keeps the children's logs. */
    private record ArtifactsRemoved(Path work) implements AutoCloseable {

        @Override
        public void close() throws IOException {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    if (!file.equals(work) && !file.getFileName().toString().endsWith(".log")) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }

    /** Writes the model's ONNX artifact into {@code root} and a descriptor that references it (never its bytes). */
    private Published publish(Path root, String label, long version, WideMlp mlp) throws Exception {
        Path file = root.resolve(MODEL + "-" + label + ".onnx");
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        String description = "memory bench " + label + " model: " + mlp.layers() + " dense layers, " + mlp.width()
                + " wide, " + mlp.parameterBytes() + " bytes of float weights, seed " + SEED;
        try (OutputStream stream = new DigestOutputStream(Files.newOutputStream(file), digest)) {
            WideMlpOnnx.write(mlp, description, stream);
        }
        ModelDescriptor descriptor = WideMlpOnnx.descriptor(mlp, MODEL, version, DATA_TYPE, description)
                .setArtifactLocation(file.toUri().toString())
                .setArtifactSha256(HexFormat.of().formatHex(digest.digest()))
                .build();
        long size = Files.size(file);
        console.printf(
                Locale.ROOT,
                "  %s model: %s, %d bytes (%.1f MiB); descriptor %d bytes%n",
                label,
                file,
                size,
                size / MIB,
                descriptor.getSerializedSize());
        return new Published(label, descriptor, size);
    }

    /** One child JVM: one model at one p. */
    private final class Run {

        private final EmbeddedKafkaBroker broker;
        private final Path work;
        private final Path root;
        private final Published model;
        private final int p;
        private final String prefix;

        Run(EmbeddedKafkaBroker broker, Path work, Path root, Published model, int p) {
            this.broker = broker;
            this.work = work;
            this.root = root;
            this.model = model;
            this.p = p;
            this.prefix = "memory-" + model.label() + "-p" + p;
        }

        Measurement measure() throws Exception {
            long start = System.nanoTime();
            broker.createTopics(
                    p,
                    topic("data"),
                    topic("models"),
                    topic("config"),
                    topic("results"),
                    topic("dead"),
                    topic("events"),
                    topic("stats"));
            Path log = work.resolve(prefix + ".log");
            Process child = start(log);
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread pump = pump(child, log, lines);
            try (KafkaProducer<String, byte[]> producer = producer()) {
                expect(lines, "submitted", child, log);
                send(
                        producer,
                        topic("models"),
                        null,
                        DATA_TYPE,
                        model.descriptor().toByteArray());
                List<ModelEvent> activated = awaitActivations(producer);
                List<String> ids = sendRecords(producer);
                awaitScored(ids);
                Writer command =
                        new BufferedWriter(new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8));
                command.write("measure\n");
                command.flush();
                Map<String, Long> figures = parse(expect(lines, "result", child, log));
                if (!child.waitFor(60, TimeUnit.SECONDS)) {
                    child.destroy();
                }
                int built = (int)
                        activated.stream().filter(e -> !e.getSharedInstance()).count();
                return new Measurement(
                        model.label(),
                        p,
                        model.artifactBytes(),
                        figures,
                        built,
                        activated.size() - built,
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
            } finally {
                if (child.isAlive()) {
                    child.destroyForcibly();
                }
                pump.join(TimeUnit.SECONDS.toMillis(10));
            }
        }

        private String topic(String name) {
            return prefix + "-" + name;
        }

        private Process start(Path log) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // ONNX Runtime needs a deep stack on the thread that loads it in a JVM with a long class path
                    "-Xss8m",
                    "-Xmx" + childHeap,
                    "-XX:NativeMemoryTracking=summary",
                    "--add-opens",
                    "java.base/java.lang=ALL-UNNAMED",
                    "--add-opens",
                    "java.base/java.util=ALL-UNNAMED",
                    "--add-opens",
                    "java.base/java.nio=ALL-UNNAMED",
                    "-cp",
                    System.getProperty("java.class.path"),
                    SharedModelMemoryRun.class.getName(),
                    Integer.toString(p)));
            command.addAll(List.of(
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--mode",
                    "partitioned",
                    "--parallelism",
                    Integer.toString(p),
                    "--checkpoint-interval-ms",
                    Long.toString(checkpointIntervalMs),
                    "--data-topic",
                    topic("data"),
                    "--model-topic",
                    topic("models"),
                    "--config-topic",
                    topic("config"),
                    "--results-topic",
                    topic("results"),
                    "--dead-letter-topic",
                    topic("dead"),
                    "--events-topic",
                    topic("events"),
                    "--stats-topic",
                    topic("stats"),
                    "--group-id",
                    prefix,
                    "--allowed-model-roots",
                    root.toString(),
                    "--model-cache-dir",
                    work.resolve("cache-" + prefix).toString()));
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
        }

        /** Copies the child's output to its log file and hands the protocol lines to {@code lines}. */
        private Thread pump(Process child, Path log, BlockingQueue<String> lines) {
            Thread pump = new Thread(
                    () -> {
                        try (BufferedReader reader = new BufferedReader(
                                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                                Writer file = Files.newBufferedWriter(log)) {
                            String line;
                            while ((line = reader.readLine()) != null) {
                                file.write(line);
                                file.write('\n');
                                if (line.startsWith(SharedModelMemoryRun.TAG)) {
                                    lines.add(line.substring(SharedModelMemoryRun.TAG.length()));
                                }
                            }
                        } catch (IOException e) {
                            lines.add("pump-failed " + e);
                        }
                    },
                    prefix + "-output");
            pump.setDaemon(true);
            pump.start();
            return pump;
        }

        private String expect(BlockingQueue<String> lines, String word, Process child, Path log)
                throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(500, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(word)) {
                    return line;
                }
                if (line == null && !child.isAlive() && lines.isEmpty()) {
                    throw new IllegalStateException("the child of " + prefix + " exited with " + child.exitValue()
                            + " before '" + word + "'; see " + log);
                }
            }
            throw new IllegalStateException(
                    "no '" + word + "' from the child of " + prefix + " within " + WAIT + "; see " + log);
        }

        /**
         * Waits for an ACTIVATED event of the model from each of the p subtasks; fails on a REJECTED one. Streams a
         * record to every partition meanwhile: a subtask applies a finished load when it processes an element.
         */
        private List<ModelEvent> awaitActivations(KafkaProducer<String, byte[]> producer) throws InterruptedException {
            DataRecord nudge = WideMlpOnnx.records(SEED, 1, inputs, DATA_TYPE).get(0);
            int nudges = 0;
            long version = model.descriptor().getVersion();
            Map<String, ModelEvent> byEmitter = new LinkedHashMap<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            try (KafkaConsumer<byte[], byte[]> events = consumer(topic("events"))) {
                while (byEmitter.size() < p) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(prefix + ": only " + byEmitter.size() + " of " + p
                                + " subtasks activated the model; dead letters: " + deadLetters());
                    }
                    for (int partition = 0; partition < p; partition++) {
                        DataRecord record = nudge.toBuilder()
                                .setId(prefix + "-nudge-" + nudges++)
                                .build();
                        send(producer, topic("data"), partition, record.getKey(), record.toByteArray());
                    }
                    for (ConsumerRecord<byte[], byte[]> r : events.poll(Duration.ofMillis(200))) {
                        ModelEvent event = parseEvent(r.value());
                        if (event.getModelVersion() != version) {
                            console.println("  model event: " + event.getType() + " " + event.getModelName() + "@"
                                    + event.getModelVersion() + ": " + event.getReason());
                            continue;
                        }
                        if (event.getType() == ModelEventType.REJECTED) {
                            throw new IllegalStateException(prefix + ": the model was REJECTED: " + event.getReason());
                        }
                        if (event.getType() == ModelEventType.ACTIVATED) {
                            if (!event.getModelSha256()
                                    .equals(model.descriptor().getArtifactSha256())) {
                                throw new IllegalStateException(
                                        prefix + ": activated the wrong artifact " + event.getModelSha256());
                            }
                            byEmitter.putIfAbsent(event.getEmittedBy(), event);
                        }
                    }
                }
            }
            return new ArrayList<>(byEmitter.values());
        }

        /** The reasons of the dead letters of the run so far. */
        private List<String> deadLetters() {
            List<String> reasons = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> dead = consumer(topic("dead"))) {
                for (ConsumerRecord<byte[], byte[]> r : dead.poll(Duration.ofSeconds(2))) {
                    try {
                        reasons.add(DeadLetter.parseFrom(r.value()).getReason());
                    } catch (InvalidProtocolBufferException e) {
                        reasons.add("not a DeadLetter: " + e.getMessage());
                    }
                }
            }
            return reasons;
        }

        /** Sends {@code --records-per-partition} records to every partition of the data topic; returns their ids. */
        private List<String> sendRecords(KafkaProducer<String, byte[]> producer) throws InterruptedException {
            List<DataRecord> records = WideMlpOnnx.records(SEED, recordsPerPartition * p, inputs, DATA_TYPE);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                DataRecord record = records.get(i).toBuilder()
                        .setId(prefix + "-" + i)
                        .setEventTimeMillis(System.currentTimeMillis())
                        .build();
                send(producer, topic("data"), i % p, record.getKey(), record.toByteArray());
                ids.add(record.getId());
            }
            return ids;
        }

        /** Waits until every record sent was answered SCORED; fails on any other status. */
        private void awaitScored(List<String> ids) {
            Set<String> waiting = new HashSet<>(ids);
            long deadline = System.nanoTime() + WAIT.toNanos();
            try (KafkaConsumer<byte[], byte[]> results = consumer(topic("results"))) {
                while (!waiting.isEmpty()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(prefix + ": " + waiting.size() + " records without a result");
                    }
                    for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ofMillis(200))) {
                        ServingResult result = parseResult(r.value());
                        if (!waiting.remove(result.getRecordId())) {
                            continue;
                        }
                        if (result.getStatus() != ServingStatus.SCORED) {
                            throw new IllegalStateException(prefix + ": record " + result.getRecordId() + " was "
                                    + result.getStatus() + " " + result.getError());
                        }
                    }
                }
            }
        }

        private KafkaProducer<String, byte[]> producer() {
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            // the descriptor references its artifact: a few KB whatever the model's size
            return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        }

        private KafkaConsumer<byte[], byte[]> consumer(String topic) {
            return TopicReaders.fromBeginning(broker.bootstrapServers(), topic);
        }
    }

    private static void send(
            KafkaProducer<String, byte[]> producer, String topic, Integer partition, String key, byte[] value)
            throws InterruptedException {
        try {
            producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("sending to " + topic + " failed", e.getCause());
        }
    }

    private static Map<String, Long> parse(String resultLine) {
        Map<String, Long> figures = new HashMap<>();
        for (String pair : resultLine.substring("result".length()).trim().split(" ")) {
            String[] kv = pair.split("=", 2);
            if (kv.length == 2 && kv[1].matches("-?\\d+")) {
                figures.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return figures;
    }

    private static ModelEvent parseEvent(byte[] bytes) {
        try {
            return ModelEvent.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("not a ModelEvent on the events topic: " + e.getMessage(), e);
        }
    }

    private static ServingResult parseResult(byte[] bytes) {
        try {
            return ServingResult.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("not a ServingResult on the results topic: " + e.getMessage(), e);
        }
    }

    /** MiB and how many artifacts' worth: {@code 283.5 (2.20×)}. */
    private static String copies(double bytes, double artifact) {
        return String.format(Locale.ROOT, "%.1f (%.2f×)", bytes / MIB, bytes / artifact);
    }

    /**
     * The markdown table: per p, what the big model costs over the tiny one at the same p, as the kernel counts it
     * (resident set after GC, and after trimming the C heap), split into Java heap committed and memory outside the
     * JVM's tracking (native libraries: ONNX Runtime's weights), against the artifact's size and against p = 1.
     */
    private static String table(List<Measurement> measurements, Published big) {
        Map<Integer, Measurement> tiny = new LinkedHashMap<>();
        Map<Integer, Measurement> large = new LinkedHashMap<>();
        for (Measurement m : measurements) {
            (m.model().equals("tiny") ? tiny : large).put(m.slots(), m);
        }
        double artifact = big.artifactBytes();
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "Big model: ONNX artifact of %d bytes (%.1f MiB), referenced by a descriptor of %d bytes. Memory in"
                        + " MiB; \"big − tiny\": the big model's process minus the tiny model's at the same p; (n×):"
                        + " artifacts' worth.%n%n",
                big.artifactBytes(),
                artifact / MIB,
                big.descriptor().getSerializedSize()));
        table.append("| p (slots) | RSS tiny / big | big − tiny | after C-heap trim: big − tiny | of which outside"
                + " the JVM (native: ONNX Runtime) | of which Java heap committed | outside the JVM ÷ (p = 1) | peak RSS"
                + " big | instances built / shared | checkpoint big / tiny (B) | restarts |\n");
        table.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
        Double first = null;
        for (Map.Entry<Integer, Measurement> entry : large.entrySet()) {
            Measurement b = entry.getValue();
            Measurement t = tiny.get(entry.getKey());
            if (t == null) {
                continue;
            }
            double delta = b.get("rss") - t.get("rss");
            double trimmed = b.get("trimmedRss") - t.get("trimmedRss");
            double heap = b.get("heapCommitted") - t.get("heapCommitted");
            double outside =
                    (b.get("trimmedRss") - b.get("nmtCommitted")) - (t.get("trimmedRss") - t.get("nmtCommitted"));
            if (first == null) {
                first = outside;
            }
            table.append(String.format(
                    Locale.ROOT,
                    "| %d | %.1f / %.1f | %s | %s | %s | %.1f | %.2f | %.1f | %d / %d | %d / %d | %d |%n",
                    entry.getKey(),
                    t.get("rss") / MIB,
                    b.get("rss") / MIB,
                    copies(delta, artifact),
                    copies(trimmed, artifact),
                    copies(outside, artifact),
                    heap / MIB,
                    outside / first,
                    b.get("peakRss") / MIB,
                    b.builtInstances(),
                    b.sharedInstances(),
                    b.get("checkpointBytes"),
                    t.get("checkpointBytes"),
                    b.get("restarts") + t.get("restarts")));
        }
        return table.toString();
    }
}
