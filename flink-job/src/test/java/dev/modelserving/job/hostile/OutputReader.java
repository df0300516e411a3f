package dev.modelserving.job.hostile;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every partition of one output topic from the beginning (assigned, nothing committed) and keeps everything
 * read. Tests wait on a condition with a time limit, never with sleeps. A message the job wrote that does not parse
 * fails the test.
 *
 * @param <T> the message type on the topic
 */
final class OutputReader<T> implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(100);

    private final String topic;
    private final Parser<T> parser;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Received<T>> read = new ArrayList<>();

    OutputReader(String bootstrapServers, String topic, Parser<T> parser) {
        this.topic = topic;
        this.parser = parser;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(HostileProducer.MAX_REQUEST_BYTES));
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /**
     * Reads until {@code condition} holds on everything read so far, and returns a copy of it.
     *
     * @throws AssertionError naming {@code what} when it does not hold within {@code timeout}
     */
    List<Received<T>> awaitUntil(String what, Duration timeout, Predicate<List<Received<T>>> condition) {
        return awaitUntil(() -> what, timeout, condition);
    }

    /**
     * Reads until {@code condition} holds, as {@link #awaitUntil(String, Duration, Predicate)}; {@code what} is
     * asked only on a timeout (e.g. for the job's state at that moment).
     */
    List<Received<T>> awaitUntil(Supplier<String> what, Duration timeout, Predicate<List<Received<T>>> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(read)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what.get() + " on " + topic
                        + "; read " + read.size() + " messages, the last ones: "
                        + read.subList(Math.max(0, read.size() - 3), read.size()));
            }
            pollOnce();
        }
        return List.copyOf(read);
    }

    /** Reads until {@code condition} holds on everything read so far; false when it does not hold in time. */
    boolean awaitUntilOrFalse(Duration timeout, Predicate<List<Received<T>>> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(read)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pollOnce();
        }
        return true;
    }

    /** Reads what the broker has now and returns a copy of everything read so far. */
    List<Received<T>> readAvailable() {
        pollOnce();
        return List.copyOf(read);
    }

    /** The values read so far, in the order read. */
    List<T> values() {
        return read.stream().map(Received::value).toList();
    }

    private void pollOnce() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            try {
                read.add(new Received<>(parser.parseFrom(record.value()), record.partition(), record.offset()));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError("the job wrote a message that does not parse to " + topic + "-"
                        + record.partition() + "@" + record.offset() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
