package dev.modelserving.job.it;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Streams data records of one data type to the data topic and remembers every record sent by id, so the results can
 * be checked against the records (and nothing sent can go missing unnoticed). Features {@link RegressionModels#FEATURES} are
 * drawn from a seeded random source in [-3, 3), as floats; keys cycle over a few machine names.
 */
final class RecordFeed {

    private static final int KEYS = 5;
    /** Warm-up records per round while waiting for a model event. */
    private static final int WARM_UP_BATCH = 4;

    private static final Duration WARM_UP_ROUND = Duration.ofMillis(500);

    private final ProtoProducer producer;
    private final String topic;
    private final String dataType;
    private final Random random;
    private final Map<String, DataRecord> sent = new LinkedHashMap<>();
    private int warmUpRounds;

    RecordFeed(ProtoProducer producer, String topic, String dataType, long seed) {
        this.producer = producer;
        this.topic = topic;
        this.dataType = dataType;
        this.random = new Random(seed);
    }

    /** Sends {@code count} records with ids {@code prefix-0 .. prefix-(count-1)} and returns the ids. */
    List<String> send(String prefix, int count) {
        List<String> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String id = prefix + "-" + i;
            DataRecord.Builder record =
                    DataRecord.newBuilder().setDataType(dataType).setId(id).setKey("machine-" + (sent.size() % KEYS));
            for (String feature : RegressionModels.FEATURES) {
                record.putFeatures(
                        feature, (float) (-3.0 + 6.0 * random.nextDouble())); // float: the TF model's precision
            }
            send(record.build());
            ids.add(id);
        }
        return ids;
    }

    /** Sends one record as it is (any data type; its id must be set and unique in this feed). */
    void send(DataRecord record) {
        if (record.getId().isEmpty()) {
            throw new IllegalArgumentException("use sendWithoutId for a record without id");
        }
        if (sent.putIfAbsent(record.getId(), record) != null) {
            throw new IllegalArgumentException("record id " + record.getId() + " was sent already");
        }
        producer.send(topic, record.getKey(), record);
    }

    /**
     * Sends a record without id and returns the id the job must give it: {@code topic-partition-offset} of where it
     * was written (the documented rule of the job's record parser).
     */
    String sendWithoutId(DataRecord record) {
        RecordMetadata written = producer.send(
                topic, record.getKey(), record.toBuilder().clearId().build());
        String id = written.topic() + "-" + written.partition() + "-" + written.offset();
        sent.put(id, record.toBuilder().setId(id).build());
        return id;
    }

    /**
     * Streams small batches of warm-up records (ids {@code warm-<round>-<i>}) until {@code condition} holds on the
     * model events. A partitioned job makes a loaded model current only when its subtask receives an element, so
     * records must flow for a model to become active everywhere.
     *
     * @throws AssertionError naming {@code what} when the condition does not hold within {@code timeout}
     */
    void streamUntil(
            TopicReader<ModelEvent> events,
            Predicate<List<Consumed<ModelEvent>>> condition,
            String what,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!events.readUntil(WARM_UP_ROUND, condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " streaming records until " + what
                        + "; model events so far: " + events.readAvailable());
            }
            send("warm-" + warmUpRounds++, WARM_UP_BATCH);
        }
    }

    /** The record sent with this id. */
    DataRecord record(String id) {
        DataRecord record = sent.get(id);
        if (record == null) {
            throw new AssertionError("the job produced a result for id '" + id + "', which was never sent");
        }
        return record;
    }

    /** Ids of every record sent, in sending order. */
    Set<String> ids() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(sent.keySet()));
    }

    String dataType() {
        return dataType;
    }
}
