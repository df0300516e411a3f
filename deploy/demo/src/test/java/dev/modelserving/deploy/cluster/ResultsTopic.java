package dev.modelserving.deploy.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.proto.ServingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads the job's committed results (read_committed) from a chosen position, for assertions. */
final class ResultsTopic implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    ResultsTopic(String bootstrapServer, String topic) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Continues after everything committed so far: later reads see only results written from now on. */
    void skipToEnd() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        ends.forEach(consumer::seek);
    }

    /**
     * Reads until a result matches and returns every result read up to and including it.
     *
     * @throws AssertionError when none matches within {@code timeout}
     */
    List<ServingResult> readUntil(Predicate<ServingResult> wanted, Duration timeout, String what) {
        return read(timeout, what, read -> !read.isEmpty() && wanted.test(read.get(read.size() - 1)));
    }

    /**
     * Reads at least {@code count} results and returns them all.
     *
     * @throws AssertionError when fewer arrive within {@code timeout}
     */
    List<ServingResult> readAtLeast(int count, Duration timeout, String what) {
        return read(timeout, what, read -> read.size() >= count);
    }

    private List<ServingResult> read(Duration timeout, String what, Predicate<List<ServingResult>> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ServingResult> read = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                try {
                    read.add(ServingResult.parseFrom(record.value()));
                } catch (InvalidProtocolBufferException e) {
                    throw new AssertionError(
                            "not a ServingResult at " + record.topic() + "-" + record.partition() + "@"
                                    + record.offset(),
                            e);
                }
                if (done.test(read)) {
                    return read;
                }
            }
        }
        throw new AssertionError("no " + what + " within " + timeout + "; read " + read.size() + " results"
                + (read.isEmpty() ? "" : ", the last: " + read.get(read.size() - 1)));
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
