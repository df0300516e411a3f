package dev.modelserving.job.hostile;

import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.kafka.EmbeddedKafkaBroker;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The topics of one job under attack (records, models, speculative configs in; results, dead letters, model events
 * out), named with a prefix unique to the test, and the job's configuration for them: checkpointing on (1 s), so the
 * job runs with a restart strategy that restarts (a failure shows as a restart, not as a dead job); at-least-once
 * sinks, so every output is visible at once.
 *
 * @param bootstrapServers the broker
 * @param prefix prefix of every topic and of the consumer group
 */
record HostileTopics(String bootstrapServers, String prefix) {

    /** Partitions of every topic. */
    static final int PARTITIONS = 2;
    /** Parallelism of the jobs: the MiniCluster's slots. */
    static final int PARALLELISM = 2;

    static HostileTopics create(EmbeddedKafkaBroker broker, String prefix) {
        HostileTopics topics = new HostileTopics(broker.bootstrapServers(),
                prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-"));
        broker.createTopics(PARTITIONS, topics.records(), topics.models(), topics.configs(), topics.results(),
                topics.deadLetters(), topics.events());
        return topics;
    }

    String records() {
        return prefix + "-records";
    }

    String models() {
        return prefix + "-models";
    }

    String configs() {
        return prefix + "-configs";
    }

    String results() {
        return prefix + "-results";
    }

    String deadLetters() {
        return prefix + "-dead-letters";
    }

    String events() {
        return prefix + "-events";
    }

    /** The job's flags for these topics in {@code mode}, with {@code moreFlags} appended. */
    ServingJobConfig config(ServingJobConfig.Mode mode, String... moreFlags) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", bootstrapServers,
                "--data-topic", records(),
                "--model-topic", models(),
                "--config-topic", configs(),
                "--results-topic", results(),
                "--dead-letter-topic", deadLetters(),
                "--events-topic", events(),
                "--group-id", prefix,
                "--mode", mode.name().toLowerCase(Locale.ROOT),
                "--parallelism", Integer.toString(PARALLELISM),
                "--checkpoint-interval-ms", "1000",
                "--delivery", "at-least-once"));
        args.addAll(List.of(moreFlags));
        return ServingJobConfig.fromArgs(args.toArray(String[]::new));
    }
}
