package dev.modelserving.testkit;

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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
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
 * <p>{@link #saslSsl} makes a broker whose only client listener is {@code SASL_SSL}: TLS with a test's key store, and
 * SASL/PLAIN with users defined in the broker's JAAS configuration; {@link #clientProperties(String)} gives what a
 * client of one user needs. The broker uses the same listener for itself (transaction markers, its admin client) as
 * an internal user; only the KRaft controller listener stays PLAINTEXT on 127.0.0.1 (Kafka clients other than admin
 * clients given {@code bootstrap.controllers} never use it).
 *
 * Needs {@code org.apache.kafka:kafka_2.13} on the classpath (provided scope in the job jar).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final long LEADER_POLL_MILLIS = 50;
    /** Name of the SASL_SSL listener (also its security protocol). */
    private static final String SECURE_LISTENER = "SASL_SSL";
    /** The broker's own SASL user on a secured listener (inter-broker traffic, its admin client). */
    private static final String INTERNAL_USER = "embedded_broker";
    /** What a SASL/PLAIN user name or password may contain here (they are written into a JAAS line). */
    private static final Pattern JAAS_SAFE = Pattern.compile("[A-Za-z0-9_]+");

    private final Map<String, String> overrides;
    /** The TLS stores of a SASL_SSL broker; null: a PLAINTEXT broker. */
    private final SelfSignedTls tls;
    /** SASL/PLAIN user name to password, including the internal user; empty for a PLAINTEXT broker. */
    private final Map<String, String> users;

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
        this(brokerPropertyOverrides, null, Map.of());
    }

    private EmbeddedKafkaBroker(
            Map<String, String> brokerPropertyOverrides, SelfSignedTls tls, Map<String, String> users) {
        this.overrides = Map.copyOf(brokerPropertyOverrides);
        this.tls = tls;
        this.users = Map.copyOf(users);
    }

    /**
     * A broker that accepts clients only over SASL_SSL: TLS with {@code tls}'s key store, SASL/PLAIN with these users
     * (name to password; letters, digits and '_' only).
     *
     * @throws IllegalArgumentException when there is no user, or a name or password has other characters
     */
    public static EmbeddedKafkaBroker saslSsl(SelfSignedTls tls, Map<String, String> users) {
        return saslSsl(tls, users, Map.of());
    }

    /** {@link #saslSsl(SelfSignedTls, Map)} with extra or overriding broker properties. */
    public static EmbeddedKafkaBroker saslSsl(
            SelfSignedTls tls, Map<String, String> users, Map<String, String> brokerPropertyOverrides) {
        Objects.requireNonNull(tls, "tls");
        if (users.isEmpty()) {
            throw new IllegalArgumentException("a SASL_SSL broker needs at least one user");
        }
        Map<String, String> all = new LinkedHashMap<>();
        users.forEach((name, password) -> {
            if (!JAAS_SAFE.matcher(name).matches()
                    || !JAAS_SAFE.matcher(password).matches()
                    || name.equals(INTERNAL_USER)) {
                throw new IllegalArgumentException("user '" + name + "': names and passwords may only contain"
                        + " letters, digits and '_' (and " + INTERNAL_USER + " is the broker's own)");
            }
            all.put(name, password);
        });
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        all.put(INTERNAL_USER, HexFormat.of().formatHex(secret));
        return new EmbeddedKafkaBroker(brokerPropertyOverrides, tls, all);
    }

    /** Whether clients must use SASL_SSL ({@link #saslSsl}). */
    public boolean secured() {
        return tls != null;
    }

    /**
     * The client properties of {@code user} on a SASL_SSL broker: {@code security.protocol}, {@code sasl.mechanism},
     * {@code sasl.jaas.config} and the trust store; empty for a PLAINTEXT broker.
     *
     * @throws IllegalArgumentException when the broker has no such user
     */
    public Map<String, String> clientProperties(String user) {
        if (tls == null) {
            return Map.of();
        }
        String password = users.get(user);
        if (password == null || user.equals(INTERNAL_USER)) {
            throw new IllegalArgumentException("the broker has no user '" + user + "'");
        }
        return clientProperties(user, password);
    }

    /**
     * The client properties for any credentials on a SASL_SSL broker (e.g. a wrong password, to see it refused).
     *
     * @throws IllegalStateException for a PLAINTEXT broker
     */
    public Map<String, String> clientProperties(String user, String password) {
        if (tls == null) {
            throw new IllegalStateException("a PLAINTEXT broker takes no credentials");
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", SECURE_LISTENER);
        p.put("sasl.mechanism", "PLAIN");
        p.put(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                        + password + "\";");
        p.put("ssl.truststore.location", tls.trustStore().toString());
        p.put("ssl.truststore.password", tls.trustStorePassword());
        p.put("ssl.truststore.type", "PKCS12");
        return p;
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
        createTopics(partitions, Map.of(), names);
    }

    /**
     * Creates compacted topics ({@code cleanup.policy=compact}, as the sensor system's context topics are) with
     * {@code partitions} partitions each and waits for their leaders.
     */
    public void createCompactedTopics(int partitions, String... names) {
        createTopics(partitions, Map.of("cleanup.policy", "compact"), names);
    }

    /** Creates topics with these topic configs (e.g. {@code cleanup.policy}) and waits for their leaders. */
    public void createTopics(int partitions, Map<String, String> topicConfigs, String... names) {
        synchronized (this) {
            requireRunning();
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        List<NewTopic> topics = new ArrayList<>();
        for (String name : names) {
            topics.add(new NewTopic(name, partitions, (short) 1).configs(topicConfigs));
        }
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitLeaders(admin, partitions, List.of(names));
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot create topics " + Arrays.toString(names) + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
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
        String listener = tls == null ? "PLAINTEXT" : SECURE_LISTENER;
        p.setProperty(
                "listeners", listener + "://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        p.setProperty("advertised.listeners", listener + "://" + HOST + ":" + port);
        p.setProperty("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", listener);
        if (tls != null) {
            secureListenerProperties(p);
        }
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

    /** SASL/PLAIN over TLS on the client listener, which the broker also uses itself as the internal user. */
    private void secureListenerProperties(Properties p) {
        String prefix = "listener.name." + SECURE_LISTENER.toLowerCase(Locale.ROOT) + ".";
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                .append(" username=\"")
                .append(INTERNAL_USER)
                .append("\" password=\"")
                .append(users.get(INTERNAL_USER))
                .append('"');
        users.forEach((name, password) -> jaas.append(" user_")
                .append(name)
                .append("=\"")
                .append(password)
                .append('"'));
        jaas.append(';');
        p.setProperty("sasl.enabled.mechanisms", "PLAIN");
        p.setProperty("sasl.mechanism.inter.broker.protocol", "PLAIN");
        p.setProperty(prefix + "plain.sasl.jaas.config", jaas.toString());
        p.setProperty(prefix + "ssl.keystore.type", "PKCS12");
        p.setProperty(prefix + "ssl.keystore.location", tls.keyStore().toString());
        p.setProperty(prefix + "ssl.keystore.password", tls.keyStorePassword());
        p.setProperty(prefix + "ssl.key.password", tls.keyStorePassword());
        // The broker as a client of its own listener (transaction markers) trusts the same certificate.
        p.setProperty(prefix + "ssl.truststore.type", "PKCS12");
        p.setProperty(prefix + "ssl.truststore.location", tls.trustStore().toString());
        p.setProperty(prefix + "ssl.truststore.password", tls.trustStorePassword());
        p.setProperty("ssl.truststore.type", "PKCS12");
        p.setProperty("ssl.truststore.location", tls.trustStore().toString());
        p.setProperty("ssl.truststore.password", tls.trustStorePassword());
    }

    private static void format(Path configFile) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(
                    new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", configFile.toString()},
                    printStream);
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
            throw new IllegalStateException(
                    "broker on port " + brokerPort + " did not answer within " + READY_TIMEOUT, e);
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
                descriptions = admin.describeTopics(names)
                        .allTopicNames()
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
        if (tls != null) {
            p.putAll(clientProperties(INTERNAL_USER, users.get(INTERNAL_USER)));
        }
        return Admin.create(p);
    }

    private void requireRunning() {
        if (server == null) {
            throw new IllegalStateException(
                    closed ? "the embedded broker is closed" : "the embedded broker is not started");
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
