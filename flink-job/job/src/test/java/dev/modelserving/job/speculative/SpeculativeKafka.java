package dev.modelserving.job.speculative;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producing protobuf messages to, and reading them from, the in-process broker in the speculative tests. */
final class SpeculativeKafka implements AutoCloseable {

    private final String bootstrapServers;
    private final KafkaProducer<String, byte[]> producer;

    SpeculativeKafka(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends and waits for the broker's acknowledgement. */
    void send(String topic, String key, Message message) {
        try {
            producer.send(new ProducerRecord<>(topic, key, message.toByteArray()))
                    .get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("sending to " + topic + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted sending to " + topic, e);
        }
    }

    /** A reader of every partition of {@code topic} from the beginning. */
    <T extends Message> Reader<T> reader(String topic, Parser<T> parser) {
        return new Reader<>(bootstrapServers, topic, parser, "read_uncommitted");
    }

    /** A reader that sees committed transactions only (what a consumer of an exactly-once job sees). */
    <T extends Message> Reader<T> readCommitted(String topic, Parser<T> parser) {
        return new Reader<>(bootstrapServers, topic, parser, "read_committed");
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /** Reads one topic, keeping everything read, until a condition holds (bounded). */
    static final class Reader<T extends Message> implements AutoCloseable {

        private final String topic;
        private final Parser<T> parser;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<T> read = new ArrayList<>();

        Reader(String bootstrapServers, String topic, Parser<T> parser, String isolation) {
            this.topic = topic;
            this.parser = parser;
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
            this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Reads until {@code condition} holds on everything read so far; a copy of it. */
        List<T> until(String what, Predicate<List<T>> condition, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.test(read)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out after " + timeout + " waiting for " + what + " on " + topic
                            + " (" + read.size() + " read)");
                }
                pollOnce();
            }
            return List.copyOf(read);
        }

        /** Everything that arrives within {@code quiet} more (to check nothing extra comes). */
        List<T> drainFor(Duration quiet) {
            long end = System.nanoTime() + quiet.toNanos();
            while (System.nanoTime() < end) {
                pollOnce();
            }
            return List.copyOf(read);
        }

        private void pollOnce() {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                try {
                    read.add(parser.parseFrom(record.value()));
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError("not a message on " + topic + ": " + e.getMessage(), e);
                }
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
