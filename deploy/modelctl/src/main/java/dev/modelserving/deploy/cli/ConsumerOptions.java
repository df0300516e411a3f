package dev.modelserving.deploy.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The brokers the reading commands ({@code list}, {@code tail}) connect to, with which client settings
 * ({@code --command-config}), and how long they wait for them.
 */
final class ConsumerOptions {

    @Option(
            names = "--bootstrap-server",
            required = true,
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka brokers to connect to.")
    private String bootstrapServer;

    @Option(
            names = "--broker-timeout-ms",
            defaultValue = "15000",
            paramLabel = "MS",
            description = "Give up when the brokers do not answer (metadata, offsets) within this time"
                    + " (default ${DEFAULT-VALUE}).")
    private long brokerTimeoutMs;

    @Option(
            names = CommandConfig.FLAG,
            paramLabel = "FILE",
            description = "Kafka client properties (security.protocol, sasl.*, ssl.*), a properties file as for"
                    + " Kafka's own tools.")
    private Path commandConfig;

    /** A reader for these brokers; a non-positive timeout is a usage error. */
    TopicReader open(CommandLine commandLine) throws CliException {
        if (brokerTimeoutMs <= 0) {
            throw new ParameterException(commandLine, "--broker-timeout-ms must be positive, not " + brokerTimeoutMs);
        }
        return TopicReader.open(
                bootstrapServer,
                Duration.ofMillis(brokerTimeoutMs),
                CommandConfig.load(commandConfig),
                commandConfig != null);
    }

    /** The brokers ({@code --bootstrap-server}), for a command that also writes. */
    String bootstrapServer() {
        return bootstrapServer;
    }

    /** The client properties of {@code --command-config} (none without it), for a command that also writes. */
    Map<String, String> clientProperties() throws CliException {
        return CommandConfig.load(commandConfig);
    }
}
