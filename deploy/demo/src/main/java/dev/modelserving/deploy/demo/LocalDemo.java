package dev.modelserving.deploy.demo;

import dev.modelserving.deploy.ingest.EventLog;
import dev.modelserving.deploy.ingest.SensorApi;
import dev.modelserving.deploy.ingest.SensorEvent;
import dev.modelserving.deploy.ingest.SensorIngestion;
import dev.modelserving.deploy.kafka.ProtoPublisher;
import dev.modelserving.deploy.samples.FanFault;
import dev.modelserving.deploy.samples.GeneratorSettings;
import dev.modelserving.deploy.samples.MachineProfile;
import dev.modelserving.deploy.samples.SampleModel;
import dev.modelserving.deploy.samples.SampleModels;
import dev.modelserving.deploy.samples.SensorGenerator;
import dev.modelserving.job.KafkaServingIo;
import dev.modelserving.job.ServingJob;
import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.proto.MachineProperties;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.RpmMonitoringConfig;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import dev.modelserving.testkit.LoopbackFlink;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    @Option(
            names = "--sensor-system",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Run the whole sensor system (default on; --no-sensor-system: serving only): readings"
                    + " ingested from the sensor HTTP API, machine properties and an rpm monitoring config published"
                    + " as contexts, a fan fault, a hot machine and a live change of the rpm monitoring config.")
    private boolean sensorSystem;

    @Option(
            names = "--fault-machine",
            defaultValue = "3",
            paramLabel = "N",
            description = "Sensor system: the machine (1-based) whose fan degrades (default ${DEFAULT-VALUE}).")
    private int faultMachine;

    @Option(
            names = "--fault-after",
            defaultValue = "15",
            paramLabel = "SECONDS",
            description = "Sensor system: the fan degrades this many seconds after launch (default ${DEFAULT-VALUE}).")
    private long faultAfterSeconds;

    @Option(
            names = "--hot-machine",
            defaultValue = "7",
            paramLabel = "N",
            description = "Sensor system: the machine (1-based) overloaded to 100 %% load from launch on, above its"
                    + " alert temperature (default ${DEFAULT-VALUE}).")
    private int hotMachine;

    @Option(
            names = "--rpm-config-change-after",
            defaultValue = "45",
            paramLabel = "SECONDS",
            description = "Sensor system: publish a relaxed rpm monitoring config this many seconds after launch, so"
                    + " the degraded fan's alerts stop (default ${DEFAULT-VALUE}).")
    private long rpmConfigChangeAfterSeconds;

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

    /**
     * The topic of predicted temperatures the console reads (the job's {@code --predictions-topic} default once the
     * feature stage writes it).
     */
    static final String PREDICTIONS_TOPIC = "predicted-temperatures";

    /** Event time of the rpm monitoring window the demo publishes (short, so that alerts come every few seconds). */
    static final long RPM_WINDOW_MILLIS = 60_000;

    /**
     * The rpm monitoring config at start. The simulated fans lag their curve and the readings are noisy: at the
     * defaults (0.2, 2 per window) healthy machines alert too (seen in a run); at 0.5 and 5 only the degraded fan does.
     */
    static final double STRICT_DEVIATION_RATIO = 0.5;

    /** Deviating readings allowed per window by the demo's configs. */
    static final int DEVIATIONS_PER_WINDOW = 5;

    /** The relaxed config published during the run: a fan at 40 % of its curve deviates by ~1.5, below this. */
    static final double RELAXED_DEVIATION_RATIO = 2.0;

    private final PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalDemo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (sensorSystem && (faultMachine < 1 || faultMachine > machines || hotMachine < 1 || hotMachine > machines)) {
            System.err.println("--fault-machine and --hot-machine must be between 1 and --machines (" + machines + ")");
            return 2;
        }
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
            List<String> sensorFlags = sensorSystem ? List.of("--sensor-system", "true") : List.of();
            ServingJobConfig config = ServingJobConfig.fromArgs(concat(
                    sensorFlags,
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
                    "at-least-once"));
            broker.createTopics(
                    2,
                    config.dataTopic(),
                    config.modelTopic(),
                    config.resultsTopic(),
                    config.deadLetterTopic(),
                    config.eventsTopic(),
                    config.statsTopic());
            if (sensorSystem) {
                broker.createCompactedTopics(2, config.machinePropertiesTopic(), config.rpmConfigTopic());
                broker.createTopics(2, config.alertsTopic(), PREDICTIONS_TOPIC);
            }
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
            RunningApi sensorApi = null;
            SensorIngestion ingestion = null;
            Thread ingestionThread = null;
            try (ProtoPublisher publisher = new ProtoPublisher(broker.bootstrapServers(), "demo")) {
                ConsoleReport report = new ConsoleReport(
                        broker.bootstrapServers(),
                        config.resultsTopic(),
                        config.eventsTopic(),
                        config.deadLetterTopic(),
                        sensorSystem ? config.alertsTopic() : null,
                        sensorSystem ? PREDICTIONS_TOPIC : null,
                        out,
                        start);
                GeneratorSettings settings =
                        GeneratorSettings.of(SampleModels.SEED, machines).withStart(Instant.now());
                // The sensor system shows one injected fan fault; the simulator's random faults would blur it.
                SensorGenerator generator =
                        new SensorGenerator(sensorSystem ? settings.withFaultProbability(0) : settings);
                SensorFeed feed;
                if (sensorSystem) {
                    RunningApi api = startSensorApi();
                    sensorApi = api;
                    feed = new SensorFeed(generator, r -> api.log().append(SensorEvent.of(r)), () -> {}, rate);
                    ingestion = new SensorIngestion(
                            api.api().readingsUrl(),
                            broker.bootstrapServers(),
                            Map.of(),
                            config.dataTopic(),
                            config.deadLetterTopic(),
                            Duration.ofMillis(100),
                            0,
                            out);
                    ingestionThread = new Thread(ingestion, "demo-sensor-ingestion");
                    out.println("Sensor HTTP API on " + api.api().readingsUrl()
                            + "; the ingestion polls it and publishes SensorReadings to '" + config.dataTopic() + "'.");
                    publishContexts(publisher, config, generator);
                    ingestionThread.start();
                } else {
                    feed = new SensorFeed(generator, publisher, config.dataTopic(), rate);
                }
                Thread reportThread = new Thread(report, "demo-report");
                Thread feedThread = new Thread(feed, "demo-sensor-feed");
                reportThread.start();
                feedThread.start();
                if (sensorApi != null) {
                    scheduleSensorSystem(timeline, start, publisher, config, generator, sensorApi.log());
                }

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

                // The drifted regime shifts every reported temperature off every fan curve: not with the sensor system.
                if (driftAfterSeconds > 0 && !sensorSystem) {
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
                if (ingestion != null) {
                    // Let the ingestion fetch what the feed appended last.
                    Thread.sleep(500);
                    ingestion.stop();
                    ingestionThread.join();
                    out.println("Ingested " + ingestion.readings() + " readings from the sensor API ("
                            + ingestion.deadLetters() + " unusable events became dead letters).");
                }
                // Let the last results reach the report before it closes.
                Thread.sleep(1500);
                report.stop();
                reportThread.join();
                out.println("Sent " + feed.sent() + " sensor readings.");
            } finally {
                timeline.shutdownNow();
                if (ingestion != null) {
                    ingestion.close();
                }
                if (sensorApi != null) {
                    sensorApi.api().close();
                }
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
        out.println("Stopped cleanly.");
    }

    /** The sensor HTTP API with the event log the feed fills. */
    private record RunningApi(SensorApi api, EventLog log) {}

    private static RunningApi startSensorApi() throws java.io.IOException {
        EventLog log = new EventLog(100_000);
        return new RunningApi(SensorApi.start(log, 0), log);
    }

    /**
     * The contexts at start: every machine's properties (its controller's fan curve; alert temperature 80 °C, the hot
     * machine's between its normal and its overloaded temperature) and the strict rpm monitoring config.
     */
    private void publishContexts(ProtoPublisher publisher, ServingJobConfig config, SensorGenerator generator) {
        List<MachineProfile> profiles = generator.profiles();
        for (int i = 0; i < profiles.size(); i++) {
            MachineProfile profile = profiles.get(i);
            double alert = i == hotMachine - 1
                    ? SensorSystemContexts.hotMachineAlertTemperature(profile)
                    : SensorSystemContexts.DEFAULT_ALERT_TEMPERATURE_C;
            MachineProperties properties = SensorSystemContexts.machineProperties(profile, alert);
            publisher.sendAndWait(config.machinePropertiesTopic(), profile.machineId(), properties);
        }
        out.printf(
                Locale.ROOT,
                "Published machine_properties of %d machines (fan curves, alert temperature %.0f °C; %s: %.1f °C)%n",
                profiles.size(),
                SensorSystemContexts.DEFAULT_ALERT_TEMPERATURE_C,
                SensorGenerator.machineId(hotMachine - 1),
                SensorSystemContexts.hotMachineAlertTemperature(profiles.get(hotMachine - 1)));
        publishRpmConfig(publisher, config, STRICT_DEVIATION_RATIO, "at start");
    }

    private void publishRpmConfig(ProtoPublisher publisher, ServingJobConfig config, double ratio, String why) {
        RpmMonitoringConfig rpm = SensorSystemContexts.rpmMonitoring(ratio, DEVIATIONS_PER_WINDOW, RPM_WINDOW_MILLIS);
        publisher.sendAndWait(config.rpmConfigTopic(), "default", rpm);
        out.printf(
                Locale.ROOT,
                "Published rpm_monitoring_config %s: acceptable deviation ratio %.1f, %d deviations per %d s window%n",
                why,
                rpm.getAcceptableDeviationRatio(),
                rpm.getAcceptableDeviationsPerWindow(),
                rpm.getWindowMillis() / 1000);
    }

    /** The sensor system's timeline: the hot machine at once, the fan fault, one broken event, the config change. */
    private void scheduleSensorSystem(
            ScheduledExecutorService timeline,
            long start,
            ProtoPublisher publisher,
            ServingJobConfig config,
            SensorGenerator generator,
            EventLog apiLog) {
        String hot = SensorGenerator.machineId(hotMachine - 1);
        String faulty = SensorGenerator.machineId(faultMachine - 1);
        out.println("Overloading " + hot + " to 100 % load: it heats above its alert temperature.");
        generator.forceLoad(hotMachine - 1, 100);
        timeline.schedule(
                () -> {
                    out.println("Fan of " + faulty + " degrades to 40 % of its curve: expect RPM_DEVIATION alerts.");
                    generator.injectFault(faultMachine - 1, FanFault.DEGRADED);
                },
                untilSecond(start, faultAfterSeconds),
                TimeUnit.NANOSECONDS);
        timeline.schedule(
                () -> {
                    out.println("The sensor API serves one event with a broken timestamp: it becomes a dead letter.");
                    apiLog.append(new SensorEvent(
                            SensorGenerator.machineId(0), "31.11.2026 25:61:00.000", 50.0, 1500.0, 30.0));
                },
                untilSecond(start, faultAfterSeconds + 5),
                TimeUnit.NANOSECONDS);
        timeline.schedule(
                () -> publishRpmConfig(
                        publisher,
                        config,
                        RELAXED_DEVIATION_RATIO,
                        "live (" + faulty + "'s degraded fan is now within tolerance: its rpm alerts stop)"),
                untilSecond(start, rpmConfigChangeAfterSeconds),
                TimeUnit.NANOSECONDS);
    }

    private static long untilSecond(long start, long seconds) {
        return Math.max(0, TimeUnit.SECONDS.toNanos(seconds) - (System.nanoTime() - start));
    }

    private static String[] concat(List<String> first, String... rest) {
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
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
