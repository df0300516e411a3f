package dev.modelserving.deploy.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prepares a Kafka cluster for the serving job (used by {@code deploy/cluster/start-kafka.sh}): waits until the
 * brokers answer, creates the topics that are missing (replication factor 1) and waits until every partition has a
 * leader, so that the first records produced are not lost. Existing topics are left as they are.
 */
@Command(
        name = "kafka-topics",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Waits for the brokers, creates missing topics and waits for their partition leaders.")
public final class KafkaTopics implements Callable<Integer> {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT", description = "Kafka brokers.")
    private String bootstrapServer;

    @Option(
            names = "--partitions",
            defaultValue = "2",
            description = "Partitions of new topics (default ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(
            names = "--timeout-seconds",
            defaultValue = "60",
            description = "Give up after this long (default ${DEFAULT-VALUE}).")
    private long timeoutSeconds;

    @Parameters(arity = "1..*", paramLabel = "TOPIC", description = "Topics that must exist.")
    private List<String> topics;

    @Option(
            names = "--compacted",
            paramLabel = "TOPIC",
            description = "A topic that must exist and is created compacted (cleanup.policy=compact), e.g. the sensor"
                    + " system's context topics (repeatable).")
    private List<String> compacted = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new KafkaTopics()).execute(args));
    }

    @Override
    public Integer call() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        Properties properties = new Properties();
        properties.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
        properties.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        properties.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        try (Admin admin = Admin.create(properties)) {
            Set<String> existing = awaitTopicNames(admin, deadline);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, (short) 1));
                }
            }
            for (String topic : compacted) {
                if (!existing.contains(topic)) {
                    missing.add(
                            new NewTopic(topic, partitions, (short) 1).configs(Map.of("cleanup.policy", "compact")));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            }
            awaitLeaders(admin, deadline);
            return 0;
        } catch (ExecutionException e) {
            System.err.println(
                    "kafka-topics: " + bootstrapServer + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            System.err.println("kafka-topics: " + bootstrapServer + " did not answer within " + timeoutSeconds + " s: "
                    + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("kafka-topics: interrupted");
        }
        return 1;
    }

    /** The cluster's topic names, asked until the brokers answer or the deadline passes. */
    private static Set<String> awaitTopicNames(Admin admin, long deadline)
            throws InterruptedException, TimeoutException, ExecutionException {
        while (true) {
            try {
                return admin.listTopics().names().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(POLL_NANOS); // the broker is still starting
            }
        }
    }

    private void awaitLeaders(Admin admin, long deadline)
            throws InterruptedException, TimeoutException, ExecutionException {
        while (true) {
            Map<String, TopicDescription> descriptions = admin.describeTopics(allTopics())
                    .allTopicNames()
                    .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
            if (descriptions.values().stream().allMatch(KafkaTopics::hasAllLeaders)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions without a leader: " + descriptions.values());
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private List<String> allTopics() {
        List<String> all = new ArrayList<>(topics);
        all.addAll(compacted);
        return all;
    }

    private static boolean hasAllLeaders(TopicDescription description) {
        for (TopicPartitionInfo partition : description.partitions()) {
            if (partition.leader() == null || partition.leader().isEmpty()) {
                return false;
            }
        }
        return !description.partitions().isEmpty();
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toMillis());
    }
}
