package dev.modelserving.deploy.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A subcommand of a sensor-context command ({@code machine}, {@code rpm-config}): the brokers it connects to
 * ({@link ConsumerOptions}), the context topic ({@code --topic}, whose default each context gives), and the writes and
 * reads on that {@link ContextTopic}.
 */
abstract class ContextTopicCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ConsumerOptions brokers;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The context topic (default ${DEFAULT-VALUE}).")
    private String topic;

    /** @param defaultTopic the context's topic when {@code --topic} is not given, as the job's default */
    ContextTopicCommand(String defaultTopic) {
        this.topic = defaultTopic;
    }

    /** The context topic ({@code --topic}). */
    final String topic() {
        return topic;
    }

    /** This subcommand's command line, for usage errors and its output. */
    final CommandLine commandLine() {
        return spec.commandLine();
    }

    /**
     * Writes {@code value} (null: a tombstone) under {@code key} on the topic and prints {@code what} and where it
     * went.
     */
    final void write(String key, byte[] value, String what) throws CliException {
        ContextTopic.write(brokers, topic, key, value, what, commandLine().getOut());
    }

    /** The topic's current values by key (see {@link ContextTopic#current}). */
    final Map<String, byte[]> current() throws CliException {
        try (TopicReader reader = brokers.open(commandLine())) {
            return ContextTopic.current(reader, topic);
        }
    }
}
