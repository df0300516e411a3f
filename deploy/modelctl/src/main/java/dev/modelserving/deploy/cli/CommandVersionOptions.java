package dev.modelserving.deploy.cli;

import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The version a command ({@code rollback}, {@code remove}) takes. Every change to a model name takes the next
 * version number, so the job can refuse a command replayed later as stale. Default: the newest version of that model
 * name found on the model-event topic, plus one.
 */
final class CommandVersionOptions {

    /** How long the default lookup waits for the brokers. */
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(15);

    @Option(
            names = "--version",
            paramLabel = "N",
            description = "The version this command takes: newer than every version of the model so far. Default:"
                    + " the newest version of the model on the model-event topic, plus one.")
    private Long version;

    @Option(
            names = "--events-topic",
            defaultValue = "model-events",
            paramLabel = "TOPIC",
            description = "The serving job's model-event topic, read for the default --version"
                    + " (default ${DEFAULT-VALUE}).")
    private String eventsTopic;

    /**
     * The version to put in the command.
     *
     * @throws ParameterException a given version below 1, or no default: the topic has no event of that model
     */
    long resolve(CommandLine commandLine, ModelTopicOptions brokers, String dataType, String name) throws CliException {
        if (version != null) {
            if (version < 1) {
                throw new ParameterException(commandLine, "--version must be 1 or more, not " + version);
            }
            return version;
        }
        long newest;
        try (TopicReader reader = brokers.openReader(LOOKUP_TIMEOUT)) {
            newest = newest(ModelEventTopic.readToEnd(reader, eventsTopic), dataType, name);
        }
        if (newest == 0) {
            throw new ParameterException(
                    commandLine,
                    "no event of model '" + name + "' (data type " + dataType + ") on topic " + eventsTopic
                            + ": give --version (newer than every version of the model)");
        }
        if (newest == Long.MAX_VALUE) {
            throw new CliException("model '" + name + "' already took version " + Long.MAX_VALUE
                    + ": no newer version exists; publish under another model name");
        }
        return newest + 1;
    }

    /**
     * The newest version of the model the job reported taking: {@code newest_version} of its events, and the version
     * of models it activated, superseded or removed (never the version of a rejected descriptor: anyone may publish
     * one). 0: none.
     */
    static long newest(ModelEventTopic.Read read, String dataType, String name) {
        long newest = 0;
        for (ModelEvent e : read.events()) {
            if (!e.getDataType().equals(dataType) || !e.getModelName().equals(name)) {
                continue;
            }
            newest = Math.max(newest, e.getNewestVersion());
            if (e.getType() != ModelEventType.REJECTED) {
                newest = Math.max(newest, e.getModelVersion());
            }
        }
        return newest;
    }
}
