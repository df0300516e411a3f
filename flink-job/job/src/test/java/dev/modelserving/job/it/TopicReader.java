package dev.modelserving.job.it;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of one topic from the beginning (no consumer group: assigned partitions, nothing committed)
 * and keeps everything read, parsed. Tests wait on it with a condition and a time limit, never with sleeps.
 *
 * @param <T> the protobuf message type on the topic
 */
public final class TopicReader<T> implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final String topic;
    private final Parser<T> parser;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Consumed<T>> read = new ArrayList<>();

    private TopicReader(String topic, Parser<T> parser, KafkaConsumer<byte[], byte[]> consumer) {
        this.topic = topic;
        this.parser = parser;
        this.consumer = consumer;
    }

    /**
     * A reader of {@code topic}.
     *
     * @param isolation {@link IsolationLevel#READ_COMMITTED} to see only committed transactions (what an
     *     exactly-once pipeline downstream sees), {@link IsolationLevel#READ_UNCOMMITTED} to see everything written
     */
    public static <T> TopicReader<T> open(
            String bootstrapServers, String topic, Parser<T> parser, IsolationLevel isolation) {
        return open(bootstrapServers, Map.of(), topic, parser, isolation);
    }

    /** A reader that also uses these client properties (e.g. a secured broker's credentials). */
    public static <T> TopicReader<T> open(
            String bootstrapServers,
            Map<String, String> clientProperties,
            String topic,
            Parser<T> parser,
            IsolationLevel isolation) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.name().toLowerCase(Locale.ROOT));
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " has no partitions");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        return new TopicReader<>(topic, parser, consumer);
    }

    /** A reader that sees only committed transactions. */
    public static <T> TopicReader<T> readCommitted(String bootstrapServers, String topic, Parser<T> parser) {
        return open(bootstrapServers, topic, parser, IsolationLevel.READ_COMMITTED);
    }

    /** A reader that sees everything written (at-least-once jobs write no transactions). */
    public static <T> TopicReader<T> readUncommitted(String bootstrapServers, String topic, Parser<T> parser) {
        return open(bootstrapServers, topic, parser, IsolationLevel.READ_UNCOMMITTED);
    }

    /**
     * Reads until {@code condition} holds on everything read so far, and returns a copy of it.
     *
     * @throws AssertionError naming {@code what} and what was read, when the condition does not hold in time
     */
    public List<Consumed<T>> awaitUntil(String what, Duration timeout, Predicate<List<Consumed<T>>> condition) {
        return awaitUntil(() -> what, timeout, condition);
    }

    /**
     * Reads until {@code condition} holds, as {@link #awaitUntil(String, Duration, Predicate)}; {@code what} is
     * asked only on a timeout (e.g. for the job's state at that moment).
     */
    public List<Consumed<T>> awaitUntil(
            Supplier<String> what, Duration timeout, Predicate<List<Consumed<T>>> condition) {
        if (!readUntil(timeout, condition)) {
            throw new AssertionError("timed out after " + timeout + " waiting for " + what.get() + " on topic " + topic
                    + "; read " + read.size() + " messages, the last ones: "
                    + read.subList(Math.max(0, read.size() - 5), read.size()));
        }
        return List.copyOf(read);
    }

    /** Reads until {@code condition} holds on everything read so far; false when it does not hold in time. */
    public boolean readUntil(Duration timeout, Predicate<List<Consumed<T>>> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(read)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pollOnce();
        }
        return true;
    }

    /** Reads what the broker has now (one poll) and returns a copy of everything read so far. */
    public List<Consumed<T>> readAvailable() {
        pollOnce();
        return List.copyOf(read);
    }

    /** The values read so far, in the order read. */
    public List<T> values() {
        return read.stream().map(Consumed::value).toList();
    }

    private void pollOnce() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            try {
                read.add(new Consumed<>(parser.parseFrom(record.value()), record.partition(), record.offset()));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException(
                        "the job wrote a message that does not parse to " + topic + "-" + record.partition()
                                + " at offset " + record.offset(),
                        e);
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
