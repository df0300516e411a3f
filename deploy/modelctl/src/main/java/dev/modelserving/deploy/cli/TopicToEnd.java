package dev.modelserving.deploy.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a whole topic, every partition from its beginning to the end it had when reading started, handing each
 * record to a visitor (for {@code status}, {@code explain} and the model events of {@code list}). Gives up when no
 * record arrives for the reader's broker timeout while the end is not reached.
 */
final class TopicToEnd {

    private static final Duration POLL = Duration.ofMillis(200);

    /** What to do with each record read. */
    @FunctionalInterface
    interface Visitor {
        void visit(ConsumerRecord<byte[], byte[]> record);
    }

    private TopicToEnd() {}

    static void read(TopicReader reader, String topic, Visitor visitor) throws CliException {
        List<TopicPartition> partitions = reader.assign(topic, true);
        Map<TopicPartition, Long> end = reader.endOffsets(partitions);
        long lastProgress = System.nanoTime();
        while (!reachedEnd(reader, partitions, end)) {
            boolean any = false;
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(POLL)) {
                if (record.offset() >= end.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L)) {
                    continue; // written after the start: not part of this reading
                }
                any = true;
                visitor.visit(record);
            }
            if (any) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > reader.brokerTimeout().toNanos()) {
                throw new CliException("cannot read topic " + topic + " to its end: no messages for "
                        + reader.brokerTimeout().toMillis() + " ms");
            }
        }
    }

    /** {@code topic-partition@offset} of a record, as the commands print it. */
    static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static boolean reachedEnd(
            TopicReader reader, List<TopicPartition> partitions, Map<TopicPartition, Long> end) throws CliException {
        for (TopicPartition partition : partitions) {
            if (reader.position(partition) < end.getOrDefault(partition, 0L)) {
                return false;
            }
        }
        return true;
    }
}
