package dev.modelserving.job.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka broker (KRaft, broker and controller in one) running inside this JVM, for integration tests and
 * the local one-command run. Every listener binds 127.0.0.1 on a free port; data lives in a temporary directory that
 * {@link #close()} deletes. Internal topics have replication factor 1, consumer groups start without rebalance delay,
 * and transactions work (exactly-once sinks), with the usual broker cap on transaction timeouts (15 min).
 *
 * <p>Topics are not created automatically: create them with {@link #createTopics}, which waits until every partition
 * has a leader (producing to a topic whose leader is not yet known loses records).
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker().start()) {
 *     kafka.createTopics(2, "records", "models");
 *     ... kafka.bootstrapServers() ...
 * }
 * }</pre>
 *
 * Needs {@code org.apache.kafka:kafka_2.13} on the classpath (provided scope in the job jar).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final long LEADER_POLL_MILLIS = 50;

    private final Map<String, String> overrides;
    private Path workDir;
    private KafkaRaftServer server;
    private int brokerPort;
    private boolean closed;

    /** A broker with the default settings. */
    public EmbeddedKafkaBroker() {
        this(Map.of());
    }

    /** A broker with extra or overriding broker properties (e.g. {@code transaction.max.timeout.ms}). */
    public EmbeddedKafkaBroker(Map<String, String> brokerPropertyOverrides) {
        this.overrides = Map.copyOf(brokerPropertyOverrides);
    }

    /**
     * Formats the storage and starts the broker; returns once it answers a cluster description.
     *
     * @throws IllegalStateException when already started or closed, or when the broker does not start
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (server != null || closed) {
            throw new IllegalStateException("the embedded broker can be started once");
        }
        try {
            workDir = Files.createTempDirectory("embedded-kafka-");
            brokerPort = freePort();
            int controllerPort = freePort();
            Properties properties = brokerProperties(workDir.resolve("data"), brokerPort, controllerPort);
            Path configFile = workDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                properties.store(out, "embedded Kafka broker");
            }
            format(configFile);
            server = new KafkaRaftServer(KafkaConfig.fromProps(properties, false), Time.SYSTEM);
            server.startup();
            awaitReady();
            return this;
        } catch (IOException | RuntimeException e) {
            close();
            throw new IllegalStateException("embedded Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    /** {@code 127.0.0.1:<port>} of the broker's client listener. */
    public synchronized String bootstrapServers() {
        requireRunning();
        return HOST + ":" + brokerPort;
    }

    /** The broker's client port. */
    public synchronized int port() {
        requireRunning();
        return brokerPort;
    }

    /**
     * Creates topics with {@code partitions} partitions each (replication factor 1) and waits until every partition
     * has a leader.
     *
     * @throws IllegalStateException when the broker is not running, a topic cannot be created (e.g. it exists) or
     *     leaders do not appear in time
     */
    public void createTopics(int partitions, String... names) {
        synchronized (this) {
            requireRunning();
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1));
        }
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(admin, partitions, List.of(names));
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + Arrays.toString(names) + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topics " + Arrays.toString(names) + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + Arrays.toString(names), e);
        }
    }

    /** Shuts the broker down, waits for it, and deletes its data. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (server != null) {
                server.shutdown();
                server.awaitShutdown();
            }
        } finally {
            server = null;
            if (workDir != null) {
                deleteRecursively(workDir);
            }
        }
    }

    private Properties brokerProperties(Path logDir, int port, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("log.dirs", logDir.toString());
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "1");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        overrides.forEach(p::setProperty);
        return p;
    }

    private static void format(Path configFile) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(new String[] {
                "format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()
            }, printStream);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("formatting the broker storage failed (exit " + exitCode + "): "
                    + output.toString(StandardCharsets.UTF_8).trim());
        }
    }

    private void awaitReady() {
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("broker on port " + brokerPort + " did not answer within "
                    + READY_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }

    private static void awaitLeaders(Admin admin, int partitions, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            Map<String, TopicDescription> descriptions;
            try {
                descriptions = admin.describeTopics(names).allTopicNames()
                        .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                descriptions = null; // created, but not yet in the broker's metadata: ask again
            }
            if (descriptions != null && allHaveLeaders(descriptions, partitions)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions without a leader after " + READY_TIMEOUT + ": "
                        + (descriptions == null ? "topics " + names + " still unknown" : descriptions.values()));
            }
            Thread.sleep(LEADER_POLL_MILLIS); // production code polling a broker, not a test waiting on luck
        }
    }

    private static boolean allHaveLeaders(Map<String, TopicDescription> descriptions, int partitions) {
        for (TopicDescription description : descriptions.values()) {
            List<TopicPartitionInfo> infos = description.partitions();
            if (infos.size() < partitions) {
                return false;
            }
            for (TopicPartitionInfo info : infos) {
                if (info.leader() == null || info.leader().isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    private Admin admin() {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + brokerPort);
        return Admin.create(p);
    }

    private void requireRunning() {
        if (server == null) {
            throw new IllegalStateException(closed ? "the embedded broker is closed" : "the embedded broker is not started");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the embedded broker's data in " + root, e);
        }
    }
}
