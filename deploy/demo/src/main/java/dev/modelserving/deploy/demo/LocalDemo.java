package dev.modelserving.deploy.demo;

import dev.modelserving.deploy.kafka.ProtoPublisher;
import dev.modelserving.deploy.samples.GeneratorSettings;
import dev.modelserving.deploy.samples.SampleModel;
import dev.modelserving.deploy.samples.SampleModels;
import dev.modelserving.deploy.samples.SensorGenerator;
import dev.modelserving.job.KafkaServingIo;
import dev.modelserving.job.ServingJob;
import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import dev.modelserving.testkit.LoopbackFlink;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The one-command local run: an in-process Kafka broker on 127.0.0.1, the serving job in a local MiniCluster with the
 * Flink web UI, a sensor feed, and the sample models — version 1 of the temperature forecast, later version 2 (the
 * results switch live), then a forged version 4 (signed with a key the job does not trust: rejected), a corrupt
 * version 3 (rejected; version 2 keeps serving) and one garbage record (a dead letter). The job runs with signatures
 * required: the demo makes a publisher key pair and a trust policy in its temporary directory and signs its models.
 * Stops on Ctrl-C or after {@code --duration}.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Runs the model-serving job locally with an in-process Kafka broker, generated sensor data and"
                + " sample models that are swapped live.")
public final class LocalDemo implements Callable<Integer> {

    @Option(
            names = "--mode",
            defaultValue = "keyed",
            description = "Serving mode: keyed or partitioned (default ${DEFAULT-VALUE}).")
    private String mode;

    @Option(
            names = "--duration",
            defaultValue = "0",
            paramLabel = "SECONDS",
            description = "Stop this many seconds after launch; 0 = run until Ctrl-C (default ${DEFAULT-VALUE}).")
    private long durationSeconds;

    @Option(
            names = "--rate",
            defaultValue = "200",
            paramLabel = "RECORDS_PER_SECOND",
            description = "Sensor readings per second (default ${DEFAULT-VALUE}).")
    private int rate;

    @Option(
            names = "--machines",
            defaultValue = "10",
            description = "Machines in the generated data (default ${DEFAULT-VALUE}).")
    private int machines;

    @Option(
            names = "--swap-after",
            defaultValue = "20",
            paramLabel = "SECONDS",
            description = "Publish version 2 this many seconds after version 1 (default ${DEFAULT-VALUE}); the forged"
                    + " version 4 follows at 1.5 times that, the corrupt version 3 at 1.75 times.")
    private long swapAfterSeconds;

    @Option(
            names = "--drift-after",
            defaultValue = "40",
            paramLabel = "SECONDS",
            description = "Switch machines into a drifted regime (temperature +" + DRIFT_TEMPERATURE_C + " °C, load +"
                    + DRIFT_LOAD_PERCENT + " %%) this many seconds after launch, so the job reports DRIFT_DETECTED"
                    + " events; 0 = never (default ${DEFAULT-VALUE}).")
    private long driftAfterSeconds;

    @Option(
            names = "--drift-machines",
            defaultValue = "0",
            paramLabel = "N",
            description = "How many machines drift (default: all; PSI grows with the drifted share, and the sample"
                    + " models' threshold is high because the generated readings vary a lot from window to window).")
    private int driftMachines;

    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism (default ${DEFAULT-VALUE}).")
    private int parallelism;

    @Option(
            names = "--web-ui-port",
            defaultValue = "8081",
            description = "Port of the Flink web UI on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    private int webUiPort;

    /** The drifted regime: reported temperature and load offsets. */
    static final double DRIFT_TEMPERATURE_C = SampleModels.DRIFT_REGIME_TEMPERATURE_C;

    static final double DRIFT_LOAD_PERCENT = SampleModels.DRIFT_REGIME_LOAD_PERCENT;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalDemo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    awaitQuietly(stopped, 60);
                },
                "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Path work = Files.createTempDirectory("model-serving-demo");
        try {
            run(start, stop, work);
        } finally {
            stopped.countDown();
            deleteQuietly(work);
        }
        if (stop.getCount() > 0) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        return 0;
    }

    private void run(long start, CountDownLatch stop, Path work) throws Exception {
        out.println("Starting an in-process Kafka broker on 127.0.0.1 ...");
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker().start()) {
            DemoPublisher signer = DemoPublisher.create(work);
            out.println("Signatures required: publisher '" + DemoPublisher.ID + "' trusted with the key "
                    + signer.publicKeyFile() + " (trust policy " + signer.policyFile() + ")");
            ServingJobConfig config = ServingJobConfig.fromArgs(
                    "--trust-policy",
                    signer.policyFile().toString(),
                    "--require-signatures",
                    "true",
                    "--bootstrap-servers",
                    broker.bootstrapServers(),
                    "--data-format",
                    "sensor-reading",
                    "--sensor-system",
                    "true",
                    "--mode",
                    mode,
                    "--parallelism",
                    Integer.toString(parallelism),
                    "--checkpoint-interval-ms",
                    "5000",
                    "--checkpoint-dir",
                    work.resolve("checkpoints").toUri().toString(),
                    "--delivery",
                    "at-least-once");
            broker.createTopics(
                    2,
                    config.dataTopic(),
                    config.modelTopic(),
                    config.resultsTopic(),
                    config.deadLetterTopic(),
                    config.eventsTopic(),
                    config.statsTopic());
            out.println("Kafka at " + broker.bootstrapServers() + "; training the sample models ...");
            List<ModelDescriptor> forecasts = SampleModels.build().stream()
                    .map(SampleModel::descriptor)
                    .filter(d -> d.getName().equals(SampleModels.TEMPERATURE_FORECAST))
                    .toList();
            ModelDescriptor v1 = signer.sign(version(forecasts, 1));
            ModelDescriptor v2 = signer.sign(version(forecasts, 2));
            ModelDescriptor corrupt = signer.sign(version(forecasts, 2).toBuilder()
                    .setVersion(3)
                    .clearArtifactSha256()
                    .setArtifactBytes(com.google.protobuf.ByteString.copyFrom(randomBytes(4096)))
                    .setDescription("deliberately corrupt, to show a rejected candidate")
                    .build());
            ModelDescriptor forged = signer.forge(version(forecasts, 1).toBuilder()
                    .setVersion(4)
                    .setDescription("forged: signed with a key the job does not trust")
                    .build());

            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flinkConfiguration());
            new ServingJob(config, new KafkaServingIo(config)).build(env);
            JobClient job = env.executeAsync(ServingJob.jobName(config));
            out.println("Job " + job.getJobID() + " running ("
                    + config.mode().name().toLowerCase() + " mode). Flink web UI:"
                    + " http://127.0.0.1:" + webUiPort + "  — Ctrl-C to stop"
                    + (durationSeconds > 0 ? ", or it stops after " + durationSeconds + " s" : ""));

            ScheduledExecutorService timeline = Executors.newSingleThreadScheduledExecutor();
            try (ProtoPublisher publisher = new ProtoPublisher(broker.bootstrapServers(), "demo")) {
                ConsoleReport report = new ConsoleReport(
                        broker.bootstrapServers(),
                        config.resultsTopic(),
                        config.eventsTopic(),
                        config.deadLetterTopic(),
                        out,
                        start);
                SensorGenerator generator = new SensorGenerator(
                        GeneratorSettings.of(SampleModels.SEED, machines).withStart(Instant.now()));
                SensorFeed feed = new SensorFeed(generator, publisher, config.dataTopic(), rate);
                Thread reportThread = new Thread(report, "demo-report");
                Thread feedThread = new Thread(feed, "demo-sensor-feed");
                reportThread.start();
                feedThread.start();

                publishModel(publisher, config, v1);
                long swapMillis = swapAfterSeconds * 1000;
                timeline.schedule(() -> publishModel(publisher, config, v2), swapMillis, TimeUnit.MILLISECONDS);
                timeline.schedule(
                        () -> {
                            out.println("Publishing one garbage record: it becomes a dead letter.");
                            publisher.sendAndWait(config.dataTopic(), "garbage", new byte[] {(byte) 0xff, 0x01, 0x02});
                        },
                        swapMillis / 2,
                        TimeUnit.MILLISECONDS);
                timeline.schedule(
                        () -> publishModel(publisher, config, forged), swapMillis * 3 / 2, TimeUnit.MILLISECONDS);
                timeline.schedule(
                        () -> publishModel(publisher, config, corrupt), swapMillis * 7 / 4, TimeUnit.MILLISECONDS);

                if (driftAfterSeconds > 0) {
                    int drifting = driftMachines > 0 ? Math.min(driftMachines, machines) : machines;
                    timeline.schedule(
                            () -> {
                                out.println("Switching " + drifting + " of " + machines
                                        + " machines into a drifted regime"
                                        + " (temperature +" + DRIFT_TEMPERATURE_C + " °C, load +" + DRIFT_LOAD_PERCENT
                                        + " %): the job should report DRIFT_DETECTED once per drifted feature.");
                                for (int i = 0; i < drifting; i++) {
                                    generator.drift(i, DRIFT_TEMPERATURE_C, DRIFT_LOAD_PERCENT);
                                }
                            },
                            TimeUnit.SECONDS.toNanos(driftAfterSeconds) - (System.nanoTime() - start),
                            TimeUnit.NANOSECONDS);
                }
                if (durationSeconds > 0) {
                    long left = TimeUnit.SECONDS.toNanos(durationSeconds) - (System.nanoTime() - start);
                    stop.await(Math.max(0, left), TimeUnit.NANOSECONDS);
                } else {
                    stop.await();
                }
                out.println("Stopping ...");
                timeline.shutdownNow();
                feed.stop();
                feedThread.join();
                // Let the last results reach the report before it closes.
                Thread.sleep(1500);
                report.stop();
                reportThread.join();
                out.println("Sent " + feed.sent() + " sensor readings.");
            } finally {
                timeline.shutdownNow();
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
        out.println("Stopped cleanly.");
    }

    private void publishModel(ProtoPublisher publisher, ServingJobConfig config, ModelDescriptor d) {
        out.println("Publishing model " + d.getName() + " v" + d.getVersion() + " (" + d.getModelType() + ", "
                + d.getArtifactBytes().size() + " bytes, signed as " + d.getPublisherId() + ")"
                + (d.getDescription().isEmpty() ? "" : ": " + d.getDescription()));
        publisher.sendAndWait(config.modelTopic(), MachineFeatureRecords.DATA_TYPE, d);
    }

    private Configuration flinkConfiguration() {
        Configuration conf = LoopbackFlink.configuration();
        conf.set(RestOptions.PORT, webUiPort);
        return conf;
    }

    private static ModelDescriptor version(List<ModelDescriptor> descriptors, long version) {
        return descriptors.stream()
                .filter(d -> d.getVersion() == version)
                .findFirst()
                .orElseThrow(() ->
                        new IllegalStateException("no sample " + SampleModels.TEMPERATURE_FORECAST + " v" + version));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(3).nextBytes(bytes);
        return bytes;
    }

    private static void awaitQuietly(CountDownLatch latch, long seconds) {
        try {
            latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }
}
