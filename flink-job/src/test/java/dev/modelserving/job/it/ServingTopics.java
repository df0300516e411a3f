package dev.modelserving.job.it;

import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.kafka.EmbeddedKafkaBroker;
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
record ServingTopics(String bootstrapServers, String prefix) {

    /** Partitions of every topic: more than one, so ordering is only per partition, as in production. */
    static final int PARTITIONS = 2;

    /** Creates the six topics (auto-creation is off) and waits for their leaders. */
    static ServingTopics create(EmbeddedKafkaBroker broker, String prefix) {
        String clean = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-");
        ServingTopics topics = new ServingTopics(broker.bootstrapServers(), clean);
        broker.createTopics(PARTITIONS, topics.data(), topics.models(), topics.results(), topics.deadLetters(),
                topics.events(), topics.stats());
        return topics;
    }

    String data() {
        return prefix + "-records";
    }

    String models() {
        return prefix + "-models";
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

    String stats() {
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
    ServingJobConfig config(ServingJobConfig.Mode mode, int parallelism, String... moreFlags) {
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
