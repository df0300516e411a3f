package dev.modelserving.job.io;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kafka client properties a user gives the job (security settings above all: {@code security.protocol},
 * {@code sasl.*}, {@code ssl.*}), applied to every source, sink and admin client. Immutable and serializable; the
 * values are secrets, so {@link #toString()} shows only the keys.
 *
 * <p>Keys that the job sets itself are refused ({@link #reservedReason}) rather than silently overridden or silently
 * obeyed: the brokers and the consumer group come from their own flags, the (de)serializers from the job's wire
 * format, and the producer's {@code acks}, idempotence and transactions from the delivery guarantee; the source
 * manages its offsets itself (committed on checkpoints, starting position from the group).
 */
public final class KafkaClientProperties implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Map<String, String> RESERVED = reserved();

    private final LinkedHashMap<String, String> values;

    private KafkaClientProperties(Map<String, String> values) {
        this.values = new LinkedHashMap<>(values);
    }

    /** No properties. */
    public static KafkaClientProperties none() {
        return new KafkaClientProperties(Map.of());
    }

    /**
     * The properties of a Java properties file (ISO-8859-1 escapes as {@link Properties#load} reads them).
     *
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when a key is reserved ({@link #reservedReason}) or a value is empty
     */
    public static KafkaClientProperties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            properties.load(reader);
        }
        KafkaClientProperties loaded = none();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            loaded = loaded.with(key, properties.getProperty(key));
        }
        return loaded;
    }

    /**
     * A copy with {@code key=value} added (replacing an earlier value of the key).
     *
     * @throws IllegalArgumentException when the key is blank or reserved, or the value is empty
     */
    public KafkaClientProperties with(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        String trimmedKey = key.trim();
        if (trimmedKey.isEmpty()) {
            throw new IllegalArgumentException("a Kafka client property needs a key");
        }
        Optional<String> reserved = reservedReason(trimmedKey);
        if (reserved.isPresent()) {
            throw new IllegalArgumentException(
                    "Kafka client property '" + trimmedKey + "' cannot be set: " + reserved.get());
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("Kafka client property '" + trimmedKey + "' has an empty value");
        }
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(trimmedKey, value);
        return new KafkaClientProperties(copy);
    }

    /**
     * A copy with one {@code key=value} argument added (the value may contain '=', e.g. a JAAS line).
     *
     * @throws IllegalArgumentException when there is no '=', or as {@link #with}
     */
    public KafkaClientProperties withAssignment(String assignment) {
        int equals = assignment.indexOf('=');
        if (equals < 0) {
            throw new IllegalArgumentException(
                    "an argument without '=' is not key=value (not shown: it may be" + " a secret)");
        }
        return with(assignment.substring(0, equals), assignment.substring(equals + 1));
    }

    /** A copy with every property of {@code other} added (its values win). */
    public KafkaClientProperties withAll(KafkaClientProperties other) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.putAll(other.values);
        return new KafkaClientProperties(copy);
    }

    /** Why the job does not let users set {@code key}; empty when it may be set. */
    public static Optional<String> reservedReason(String key) {
        return Optional.ofNullable(RESERVED.get(key));
    }

    /** The properties, in the order given; unmodifiable. */
    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }

    /** The keys, sorted: what may be shown or logged. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(new TreeSet<>(values.keySet()));
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KafkaClientProperties other && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** The keys only: values may be passwords. */
    @Override
    public String toString() {
        return keys().toString();
    }

    private static Map<String, String> reserved() {
        Map<String, String> r = new LinkedHashMap<>();
        String brokers = "use --bootstrap-servers";
        String group = "use --group-id";
        String format = "the job reads and writes bytes in its own wire format";
        String delivery = "the delivery guarantee (--delivery) decides it";
        String offsets = "the job's sources keep their offsets in Flink checkpoints and start from the group's"
                + " committed offsets";
        r.put("bootstrap.servers", brokers);
        r.put("group.id", group);
        r.put("key.serializer", format);
        r.put("value.serializer", format);
        r.put("key.deserializer", format);
        r.put("value.deserializer", format);
        r.put("acks", delivery + " (always acks=all)");
        r.put("enable.idempotence", delivery + " (always idempotent)");
        r.put("transactional.id", delivery + " (exactly-once sinks name their own transactions)");
        r.put("transaction.timeout.ms", delivery + " (exactly-once sinks use the broker's default cap, 15 min)");
        r.put("enable.auto.commit", offsets);
        r.put("auto.offset.reset", offsets);
        return Map.copyOf(r);
    }
}
