package dev.modelserving.deploy.ingest;

import dev.modelserving.deploy.demo.SensorFeed;
import dev.modelserving.deploy.samples.GeneratorSettings;
import dev.modelserving.deploy.samples.SensorGenerator;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the simulated machines behind the sensor HTTP API ({@link SensorApi}) until the process is stopped. */
@Command(
        name = "sensor-api",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Serves simulated machine readings as the sensor HTTP API (GET /readings?since=<cursor>) on"
                + " 127.0.0.1.")
public final class SensorApiServer implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8090", description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).")
    private int port;

    @Option(
            names = "--rate",
            defaultValue = "20",
            paramLabel = "READINGS_PER_SECOND",
            description = "Readings per second over all machines (default ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--machines", defaultValue = "10", description = "Simulated machines (default ${DEFAULT-VALUE}).")
    private int machines;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the simulation (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(
            names = "--capacity",
            defaultValue = "100000",
            description = "Events the API keeps for clients to fetch (default ${DEFAULT-VALUE}).")
    private int capacity;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SensorApiServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        EventLog log = new EventLog(capacity);
        SensorGenerator generator =
                new SensorGenerator(GeneratorSettings.of(seed, machines).withStart(Instant.now()));
        SensorFeed feed = new SensorFeed(generator, r -> log.append(SensorEvent.of(r)), () -> {}, rate);
        CountDownLatch stopped = new CountDownLatch(1);
        try (SensorApi api = SensorApi.start(log, port)) {
            Thread feeder = new Thread(feed, "sensor-api-feed");
            feeder.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                feed.stop();
                stopped.countDown();
            }));
            System.out.println(
                    "Sensor API on " + api.readingsUrl() + " (" + machines + " machines, " + rate + " readings/s)");
            stopped.await();
            feeder.join();
        }
        return 0;
    }
}
