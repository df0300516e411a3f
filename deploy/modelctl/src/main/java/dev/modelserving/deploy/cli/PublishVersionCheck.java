package dev.modelserving.deploy.cli;

import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code publish}'s check against the serving job's model-event topic: a model version that is not newer than the
 * newest version of its model name the job took would be REJECTED as stale, so saying "published" would mislead.
 * By default each such descriptor gets a warning (printed after the send, so that a failed send stays one line);
 * with {@code --strict} nothing is published.
 */
final class PublishVersionCheck {

    @Option(
            names = "--strict",
            description = "Refuse to publish (exit 1) when a version is not newer than the newest version of its model"
                    + " on the model-event topic, or when that topic cannot be read. Default: warn and publish.")
    private boolean strict;

    @Option(
            names = "--events-topic",
            defaultValue = "model-events",
            paramLabel = "TOPIC",
            description = "The serving job's model-event topic, read to check that each version is newer than the"
                    + " newest the job took (default ${DEFAULT-VALUE}).")
    private String eventsTopic;

    /** How long the check waits for the brokers while reading the model-event topic. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Reads the model-event topic and returns the warnings to print after publishing: the descriptors the job would
     * reject as stale, or why the topic could not be read.
     *
     * @throws CliException with {@code --strict}: a stale descriptor, or the topic could not be read
     */
    List<String> check(ModelTopicOptions brokers, List<ModelDescriptor> descriptors) throws CliException {
        List<ModelDescriptor> deploys = descriptors.stream()
                .filter(d -> d.getAction() == ModelAction.DEPLOY)
                .toList();
        if (deploys.isEmpty()) {
            return List.of();
        }
        ModelEventTopic.Read read;
        try (TopicReader reader = brokers.openReader(READ_TIMEOUT)) {
            read = ModelEventTopic.readToEnd(reader, eventsTopic);
        } catch (CliException e) {
            String problem = "cannot check versions against topic " + eventsTopic + ": " + e.getMessage();
            if (strict) {
                throw new CliException("not published (--strict): " + problem, e);
            }
            return List.of(problem);
        }
        List<String> stale = new ArrayList<>();
        for (ModelDescriptor d : deploys) {
            long newest = CommandVersionOptions.newest(read, d.getDataType(), d.getName());
            if (d.getVersion() <= newest) {
                stale.add("model '" + d.getName() + "' (data type " + d.getDataType() + ") v" + d.getVersion()
                        + " is not newer than v" + newest + ", the newest version the job took according to topic "
                        + eventsTopic + "; the job will reject it as stale: publish v" + (newest + 1) + " or later");
            }
        }
        if (strict && !stale.isEmpty()) {
            throw new CliException("not published (--strict): " + String.join("; ", stale));
        }
        return List.copyOf(stale);
    }

    /** Prints the warnings of {@link #check}, one line each. */
    static void warn(List<String> warnings, PrintWriter err) {
        warnings.forEach(problem -> err.println(ModelCli.PREFIX + "warning: " + problem));
        err.flush();
    }
}
