package dev.modelserving.deploy.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.proto.ModelEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the serving job's model-event topic from its beginning to the end it had when reading started (for
 * {@code list}, and for the default {@code --version} of {@code rollback} and {@code remove}).
 */
final class ModelEventTopic {

    private static final Duration POLL = Duration.ofMillis(200);

    /**
     * What was read.
     *
     * @param events the readable events, in the order read (per partition: oldest first)
     * @param unreadable {@code topic-partition@offset} of messages that are not ModelEvents
     */
    record Read(List<ModelEvent> events, List<String> unreadable) {}

    private ModelEventTopic() {}

    /** Reads every event written before this call. */
    static Read readToEnd(TopicReader reader, String eventsTopic) throws CliException {
        List<ModelEvent> events = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        List<TopicPartition> partitions = reader.assign(eventsTopic, true);
        Map<TopicPartition, Long> end = reader.endOffsets(partitions);
        long lastProgress = System.nanoTime();
        while (!reachedEnd(reader, partitions, end)) {
            boolean any = false;
            for (ConsumerRecord<byte[], byte[]> record : reader.poll(POLL)) {
                if (record.offset() >= end.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L)) {
                    continue; // written after the start: not part of this reading
                }
                any = true;
                String where = record.topic() + "-" + record.partition() + "@" + record.offset();
                try {
                    ModelEvent event = ModelEvent.parseFrom(record.value() == null ? new byte[0] : record.value());
                    if (event.getModelName().isEmpty() || UnknownFields.first(event) != null) {
                        unreadable.add(where);
                    } else {
                        events.add(event);
                    }
                } catch (InvalidProtocolBufferException e) {
                    unreadable.add(where);
                }
            }
            if (any) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > reader.brokerTimeout().toNanos()) {
                throw new CliException("cannot read topic " + eventsTopic + " to its end: no messages for "
                        + reader.brokerTimeout().toMillis() + " ms");
            }
        }
        return new Read(List.copyOf(events), List.copyOf(unreadable));
    }

    private static boolean reachedEnd(TopicReader reader, List<TopicPartition> partitions,
            Map<TopicPartition, Long> end) throws CliException {
        for (TopicPartition partition : partitions) {
            if (reader.position(partition) < end.getOrDefault(partition, 0L)) {
                return false;
            }
        }
        return true;
    }
}
