package dev.modelserving.job.it;

import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The six topics of one serving job under test, named with a prefix unique to the test (the broker is shared by a
 * test class), and the job configuration that uses them.
 *
 * @param bootstrapServers the broker
 * @param prefix prefix of every topic name and of the consumer group
 */
public record ServingTopics(String bootstrapServers, String prefix) {

    /** Partitions of every topic: more than one, so ordering is only per partition, as in production. */
    public static final int PARTITIONS = 2;

    /** Creates the six topics (auto-creation is off) and waits for their leaders. */
    public static ServingTopics create(EmbeddedKafkaBroker broker, String prefix) {
        ServingTopics topics = new ServingTopics(broker.bootstrapServers(), clean(prefix));
        broker.createTopics(
                PARTITIONS,
                topics.data(),
                topics.models(),
                topics.results(),
                topics.deadLetters(),
                topics.events(),
                topics.stats());
        return topics;
    }

    /**
     * Creates the five topics and the speculative configs topic {@link #configs()} (pass it to the job with
     * {@code --config-topic}).
     */
    public static ServingTopics createWithConfigs(EmbeddedKafkaBroker broker, String prefix) {
        ServingTopics topics = new ServingTopics(broker.bootstrapServers(), clean(prefix));
        broker.createTopics(
                PARTITIONS,
                topics.data(),
                topics.models(),
                topics.configs(),
                topics.results(),
                topics.deadLetters(),
                topics.events(),
                topics.stats());
        return topics;
    }

    private static String clean(String prefix) {
        return prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
    }

    public String data() {
        return prefix + "-records";
    }

    public String models() {
        return prefix + "-models";
    }

    /** The speculative configs topic; created only by {@link #createWithConfigs}. */
    public String configs() {
        return prefix + "-configs";
    }

    public String results() {
        return prefix + "-results";
    }

    public String deadLetters() {
        return prefix + "-dead-letters";
    }

    public String events() {
        return prefix + "-events";
    }

    public String stats() {
        return prefix + "-stats";
    }

    /**
     * The job's configuration for these topics, parsed from flags as a user would pass them.
     *
     * @param mode keyed or partitioned
     * @param parallelism the job's parallelism
     * @param moreFlags further flags, e.g. {@code "--checkpoint-interval-ms", "500"}; without a checkpoint interval
     *     the job runs with checkpointing off (at-least-once sinks)
     */
    public ServingJobConfig config(ServingJobConfig.Mode mode, int parallelism, String... moreFlags) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", bootstrapServers,
                "--data-topic", data(),
                "--model-topic", models(),
                "--results-topic", results(),
                "--dead-letter-topic", deadLetters(),
                "--events-topic", events(),
                "--stats-topic", stats(),
                "--group-id", prefix,
                "--mode", mode.name().toLowerCase(Locale.ROOT),
                "--parallelism", Integer.toString(parallelism)));
        if (!List.of(moreFlags).contains("--checkpoint-interval-ms")) {
            args.addAll(List.of("--checkpoint-interval-ms", "0"));
        }
        args.addAll(List.of(moreFlags));
        return ServingJobConfig.fromArgs(args.toArray(String[]::new));
    }
}
