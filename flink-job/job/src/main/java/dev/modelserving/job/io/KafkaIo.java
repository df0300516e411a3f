package dev.modelserving.job.io;

import com.google.protobuf.Message;
import dev.modelserving.flink.parse.RawRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Builds the job's Kafka sources and sinks for one cluster. Immutable: {@link #withClientProperty} returns a new
 * instance, e.g. to add security settings that then apply to every source and sink built from it.
 *
 * <ul>
 *   <li>Sources read {@link RawRecord}s (content is parsed downstream) and start from the group's committed offsets,
 *       or from the earliest offset when the group has none.</li>
 *   <li>Sinks write protobuf messages with {@code acks=all}. {@link DeliveryGuarantee#EXACTLY_ONCE} writes in Kafka
 *       transactions committed on checkpoints, with a transaction timeout of {@value #TRANSACTION_TIMEOUT_MS} ms
 *       (the broker's default cap; the sink's own default of one hour is refused by brokers); any other guarantee
 *       becomes {@link DeliveryGuarantee#AT_LEAST_ONCE}, so results are never dropped silently.</li>
 *   <li>Every producer has an explicit {@code max.request.size} ({@link #withMaxRequestBytes}, default
 *       {@value #DEFAULT_MAX_REQUEST_BYTES}), and its serializer ({@link ProtoRecordSerializer}) shrinks a message
 *       that would not fit ({@link RecordSizeGuard}) instead of letting one oversized record fail the task. Set it no
 *       larger than the topics' {@code max.message.bytes} (the broker's default is slightly below 1 MiB).</li>
 *   <li>Consumers and producers start from tuned defaults for throughput ({@link #TUNED_CONSUMER_DEFAULTS},
 *       {@link #TUNED_PRODUCER_DEFAULTS}): bigger fetches, polls and producer batches, lz4 compression. Every one of
 *       them is a default only: a user's client property (e.g. {@code --kafka-property linger.ms=0}) wins.
 *       {@link #withoutTunedDefaults} gives Kafka's own defaults (the benchmark's default-settings floor).</li>
 * </ul>
 */
public final class KafkaIo {

    /** Transaction timeout of exactly-once sinks: the default {@code transaction.max.timeout.ms} of a broker. */
    public static final long TRANSACTION_TIMEOUT_MS = 900_000;

    /** Default {@code max.request.size} of the sinks' producers: 1 MiB, Kafka's own default, now explicit. */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1_048_576;

    /**
     * Consumer settings the sources start from; a user's client property of the same key wins. Measured in
     * docs/benchmarks.md ("Serving throughput"). Latency stays as with Kafka's defaults: {@code fetch.min.bytes} stays
     * 1, so a fetch returns as soon as any record is there; the larger limits only matter when records queue up.
     * <ul>
     *   <li>{@code max.poll.records=2000} (Kafka: 500): fewer polls, each hands the source reader more records;</li>
     *   <li>{@code max.partition.fetch.bytes=4194304} (Kafka: 1 MiB): a backlog of 3 KB records (784 floats) comes
     *       in fetches of ~1,300 records instead of ~330;</li>
     *   <li>{@code fetch.max.wait.ms=100} (Kafka: 500): an upper bound on a fetch's wait, only reached when
     *       {@code fetch.min.bytes} is raised by the user;</li>
     *   <li>{@code receive.buffer.bytes=1048576} (Kafka: 64 KiB): fewer socket reads per large fetch.</li>
     * </ul>
     */
    public static final Map<String, String> TUNED_CONSUMER_DEFAULTS = Map.of(
            "max.poll.records", "2000",
            "max.partition.fetch.bytes", "4194304",
            "fetch.max.wait.ms", "100",
            "receive.buffer.bytes", "1048576");

    /**
     * Producer settings the sinks start from; a user's client property of the same key wins ({@code acks=all} and
     * idempotence are not among them: the delivery guarantee fixes those).
     * <ul>
     *   <li>{@code batch.size=262144} (Kafka: 16 KiB): a batch holds ~80 results of 784 floats or thousands of small
     *       ones, so a busy sink sends few large requests;</li>
     *   <li>{@code linger.ms=5} (Kafka 4's default, explicit): a batch waits at most 5 ms to fill;</li>
     *   <li>{@code compression.type=lz4} (Kafka: none): the cheapest codec shipped in the job jar (lz4-java; snappy
     *       and zstd are there too); results and dead letters of protobuf records compress well;</li>
     *   <li>{@code buffer.memory=67108864} (Kafka: 32 MiB): room for the larger batches of every partition;</li>
     *   <li>{@code send.buffer.bytes=1048576} (Kafka: 128 KiB): fewer socket writes per large request.</li>
     * </ul>
     */
    public static final Map<String, String> TUNED_PRODUCER_DEFAULTS = Map.of(
            ProducerConfig.BATCH_SIZE_CONFIG, "262144",
            ProducerConfig.LINGER_MS_CONFIG, "5",
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
            ProducerConfig.BUFFER_MEMORY_CONFIG, "67108864",
            ProducerConfig.SEND_BUFFER_CONFIG, "1048576");

    private final String bootstrapServers;
    private final Map<String, String> clientProperties;
    private final int maxRequestBytes;
    private final boolean tunedDefaults;

    private KafkaIo(
            String bootstrapServers, Map<String, String> clientProperties, int maxRequestBytes, boolean tunedDefaults) {
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = Map.copyOf(clientProperties);
        this.maxRequestBytes = maxRequestBytes;
        this.tunedDefaults = tunedDefaults;
    }

    /**
     * Sources and sinks for the cluster at {@code bootstrapServers} ({@code host:port[,host:port...]}).
     *
     * @throws IllegalArgumentException when it is blank
     */
    public static KafkaIo forBrokers(String bootstrapServers) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must not be blank");
        }
        return new KafkaIo(bootstrapServers.trim(), Map.of(), DEFAULT_MAX_REQUEST_BYTES, true);
    }

    /** A copy that also passes {@code key=value} to every Kafka client (consumers and producers). */
    public KafkaIo withClientProperty(String key, String value) {
        Map<String, String> properties = new LinkedHashMap<>(clientProperties);
        properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new KafkaIo(bootstrapServers, properties, maxRequestBytes, tunedDefaults);
    }

    /**
     * A copy whose sinks' producers use {@code max.request.size = bytes}, and whose serializers shrink messages that
     * would not fit in it.
     *
     * @throws IllegalArgumentException when {@code bytes} leaves no room for a record (at most
     *     {@link RecordSizeGuard#HEADROOM_BYTES})
     */
    public KafkaIo withMaxRequestBytes(int bytes) {
        if (bytes <= RecordSizeGuard.HEADROOM_BYTES) {
            throw new IllegalArgumentException(
                    "max request bytes must be above " + RecordSizeGuard.HEADROOM_BYTES + ", got " + bytes);
        }
        return new KafkaIo(bootstrapServers, clientProperties, bytes, tunedDefaults);
    }

    /**
     * A copy whose clients start from Kafka's own defaults instead of {@link #TUNED_CONSUMER_DEFAULTS} and
     * {@link #TUNED_PRODUCER_DEFAULTS} (the job's own settings, such as {@code acks=all}, stay).
     */
    public KafkaIo withoutTunedDefaults() {
        return new KafkaIo(bootstrapServers, clientProperties, maxRequestBytes, false);
    }

    /** The properties every source's consumer gets: the tuned defaults (unless switched off), then the user's. */
    public Map<String, String> consumerProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        if (tunedDefaults) {
            properties.putAll(TUNED_CONSUMER_DEFAULTS);
        }
        properties.putAll(clientProperties);
        return properties;
    }

    /** The {@code max.request.size} of the sinks' producers. */
    public int maxRequestBytes() {
        return maxRequestBytes;
    }

    /**
     * A copy that also passes every user property to every Kafka client: the sources' consumers and admin client
     * (partition discovery), and the sinks' producers. The job's own settings still win where they matter
     * (see {@link KafkaClientProperties#reservedReason}; a {@link KafkaClientProperties} cannot hold such keys).
     */
    public KafkaIo withClientProperties(KafkaClientProperties properties) {
        KafkaIo result = this;
        for (Map.Entry<String, String> property : properties.asMap().entrySet()) {
            result = result.withClientProperty(property.getKey(), property.getValue());
        }
        return result;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * A source builder for {@code topic} in consumer group {@code groupId}, already configured (deserializer, starting
     * offsets, client id prefix {@code groupId-topic}); callers may refine it, e.g. {@code setBounded(...)} in tests.
     */
    public KafkaSourceBuilder<RawRecord> sourceBuilder(String topic, String groupId) {
        requireNonBlank(topic, "topic");
        requireNonBlank(groupId, "group id");
        KafkaSourceBuilder<RawRecord> builder = KafkaSource.<RawRecord>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setClientIdPrefix(groupId + "-" + topic)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RawRecordDeserializer());
        consumerProperties().forEach(builder::setProperty);
        return builder;
    }

    /** An unbounded source for {@code topic} in consumer group {@code groupId}; see {@link #sourceBuilder}. */
    public KafkaSource<RawRecord> source(String topic, String groupId) {
        return sourceBuilder(topic, groupId).build();
    }

    /**
     * A sink writing protobuf messages to {@code topic}.
     *
     * @param topic the topic
     * @param keyOf the record key of a message (UTF-8; null or "" for none), e.g. {@code ServingResult::getKey}
     * @param guarantee EXACTLY_ONCE for transactional writes (needs checkpointing), anything else: at-least-once
     * @param transactionalIdPrefix prefix of the sink's transactional ids, unique per sink across all jobs on the
     *     cluster (e.g. {@code "model-serving-results"}); required for EXACTLY_ONCE, ignored otherwise
     * @throws IllegalArgumentException when EXACTLY_ONCE is asked without a prefix
     */
    public <T extends Message> KafkaSink<T> sink(
            String topic,
            SerializableFunction<T, String> keyOf,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix) {
        return sink(topic, keyOf, guarantee, transactionalIdPrefix, ResultsFormat.PROTOBUF);
    }

    /**
     * A sink writing messages to {@code topic} in {@code format} (protobuf wire bytes or JSON); otherwise as
     * {@link #sink(String, SerializableFunction, DeliveryGuarantee, String)}.
     */
    public <T extends Message> KafkaSink<T> sink(
            String topic,
            SerializableFunction<T, String> keyOf,
            DeliveryGuarantee guarantee,
            String transactionalIdPrefix,
            ResultsFormat format) {
        requireNonBlank(topic, "topic");
        DeliveryGuarantee effective = effectiveGuarantee(guarantee);
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setKafkaProducerConfig(producerProperties(effective))
                .setRecordSerializer(new ProtoRecordSerializer<>(topic, keyOf, maxRequestBytes, format))
                .setDeliveryGuarantee(effective);
        if (effective == DeliveryGuarantee.EXACTLY_ONCE) {
            requireNonBlank(transactionalIdPrefix, "transactional id prefix (needed for exactly-once)");
            builder.setTransactionalIdPrefix(transactionalIdPrefix);
        }
        return builder.build();
    }

    /** The guarantee a sink gets when {@code requested} is asked: EXACTLY_ONCE stays, everything else is at-least-once. */
    public static DeliveryGuarantee effectiveGuarantee(DeliveryGuarantee requested) {
        return requested == DeliveryGuarantee.EXACTLY_ONCE
                ? DeliveryGuarantee.EXACTLY_ONCE
                : DeliveryGuarantee.AT_LEAST_ONCE;
    }

    /**
     * The producer settings of a sink with the given (effective) guarantee: the tuned defaults (unless switched off),
     * then the user's properties, then the job's own ({@code acks=all}, idempotence, {@code max.request.size}, the
     * transaction timeout).
     */
    public Properties producerProperties(DeliveryGuarantee guarantee) {
        Properties properties = new Properties();
        if (tunedDefaults) {
            properties.putAll(TUNED_PRODUCER_DEFAULTS);
        }
        properties.putAll(clientProperties);
        properties.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        properties.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequestBytes));
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            properties.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(TRANSACTION_TIMEOUT_MS));
        }
        return properties;
    }

    private static void requireNonBlank(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}
