package dev.modelserving.deploy.cluster;

import dev.modelserving.deploy.demo.SensorFeed;
import dev.modelserving.deploy.kafka.ProtoPublisher;
import dev.modelserving.deploy.samples.GeneratorSettings;
import dev.modelserving.deploy.samples.SensorGenerator;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Streams generated sensor readings ({@code SensorReading} protobuf, keyed by machine id) to a Kafka topic at a steady
 * rate until the process is stopped (used by {@code deploy/cluster/start-sensors.sh}); the serving job reads them
 * with {@code --data-format sensor-reading}.
 */
@Command(
        name = "sensor-stream",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Streams generated sensor readings to a Kafka topic until stopped.")
public final class SensorStream implements Callable<Integer> {

    @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT", description = "Kafka brokers.")
    private String bootstrapServer;

    @Option(
            names = "--topic",
            defaultValue = "records",
            description = "Topic of the readings (default ${DEFAULT-VALUE}).")
    private String topic;

    @Option(
            names = "--rate",
            defaultValue = "20",
            paramLabel = "READINGS_PER_SECOND",
            description = "Readings per second (default ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--machines", defaultValue = "10", description = "Simulated machines (default ${DEFAULT-VALUE}).")
    private int machines;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the simulation (default ${DEFAULT-VALUE}).")
    private long seed;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SensorStream()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        GeneratorSettings settings = GeneratorSettings.of(seed, machines).withStart(Instant.now());
        try (ProtoPublisher publisher = new ProtoPublisher(bootstrapServer, "sensor-stream")) {
            SensorFeed feed = new SensorFeed(new SensorGenerator(settings), publisher, topic, rate);
            Thread feeder = new Thread(feed, "sensor-feed");
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                feed.stop();
                                try {
                                    feeder.join(10_000);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "sensor-feed-stop"));
            feeder.start();
            feeder.join();
            System.err.println("sensor-stream: sent " + feed.sent() + " readings to " + topic);
        }
        return 0;
    }
}
