package dev.modelserving.deploy.ingest;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the {@link SensorIngestion} until the process is stopped: sensor HTTP API in, Kafka out. */
@Command(
        name = "ingest-sensors",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Polls the sensor HTTP API and publishes SensorReadings to the records topic; unusable events"
                + " become dead letters.")
public final class IngestSensors implements Callable<Integer> {

    @Option(
            names = "--api",
            defaultValue = "http://127.0.0.1:8090/readings",
            description = "The readings endpoint (default ${DEFAULT-VALUE}).")
    private URI api;

    @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT", description = "Kafka brokers.")
    private String bootstrapServer;

    @Option(names = "--records-topic", defaultValue = "records", description = "Default ${DEFAULT-VALUE}.")
    private String recordsTopic;

    @Option(names = "--dead-letter-topic", defaultValue = "dead-letters", description = "Default ${DEFAULT-VALUE}.")
    private String deadLetterTopic;

    @Option(
            names = "--poll-ms",
            defaultValue = "200",
            description = "Pause between requests when the API had nothing more (default ${DEFAULT-VALUE}).")
    private long pollMs;

    @Option(
            names = "--since",
            defaultValue = "0",
            description = "Cursor of the first request (default ${DEFAULT-VALUE}: the oldest event the API holds).")
    private long since;

    public static void main(String[] args) {
        System.exit(new CommandLine(new IngestSensors()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        try (SensorIngestion ingestion = new SensorIngestion(
                api,
                bootstrapServer,
                Map.of(),
                recordsTopic,
                deadLetterTopic,
                Duration.ofMillis(pollMs),
                since,
                System.err)) {
            Thread poller = new Thread(
                    () -> {
                        ingestion.run();
                        done.countDown();
                    },
                    "sensor-ingestion");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                ingestion.stop();
                awaitQuietly(done);
            }));
            System.out.println("Ingesting " + api + " into " + recordsTopic + " (dead letters: " + deadLetterTopic
                    + ") at " + bootstrapServer);
            poller.start();
            done.await();
        }
        return 0;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
