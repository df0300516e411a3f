package dev.modelserving.job.io;

import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a protobuf message as one Kafka record: the value is the message's wire bytes, the key is a string taken
 * from the message (UTF-8; a null or empty key writes a record without key), the timestamp is the stream element's.
 *
 * <p>A message that would not fit in the producer's {@code max.request.size} is shrunk by a {@link RecordSizeGuard}
 * (a FAILED result, a cut event reason, a shorter dead-letter payload) or, if nothing fits, not written; each case is
 * counted in a metric of the sink ({@value #RESULTS_FAILED_METRIC}, {@value #EVENTS_TRUNCATED_METRIC},
 * {@value #DEAD_LETTERS_CUT_METRIC}, {@value #DROPPED_METRIC}), so one oversized record never fails the task.
 *
 * @param <T> the message class
 */
public final class ProtoRecordSerializer<T extends Message> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(ProtoRecordSerializer.class);

    /** Sink metric: results too large for a request, written as FAILED results. */
    public static final String RESULTS_FAILED_METRIC = "oversizedResultsFailed";
    /** Sink metric: model events whose reason was cut to fit. */
    public static final String EVENTS_TRUNCATED_METRIC = "oversizedEventsTruncated";
    /** Sink metric: dead letters whose payload was cut further to fit. */
    public static final String DEAD_LETTERS_CUT_METRIC = "oversizedDeadLettersCut";
    /** Sink metric: messages that could not be made to fit and were not written. */
    public static final String DROPPED_METRIC = "oversizedRecordsDropped";

    private final String topic;
    private final SerializableFunction<T, String> keyOf;
    private final RecordSizeGuard guard;
    private transient Counter resultsFailed;
    private transient Counter eventsTruncated;
    private transient Counter deadLettersCut;
    private transient Counter dropped;

    /**
     * A serializer for producers with the default {@code max.request.size} ({@link KafkaIo#DEFAULT_MAX_REQUEST_BYTES}).
     *
     * @param topic the topic every record goes to
     * @param keyOf the record key of a message, e.g. {@code ServingResult::getKey}; may return null or ""
     */
    public ProtoRecordSerializer(String topic, SerializableFunction<T, String> keyOf) {
        this(topic, keyOf, KafkaIo.DEFAULT_MAX_REQUEST_BYTES);
    }

    /**
     * @param topic the topic every record goes to
     * @param keyOf the record key of a message, e.g. {@code ServingResult::getKey}; may return null or ""
     * @param maxRequestBytes the producer's {@code max.request.size}: larger records are shrunk or skipped
     */
    public ProtoRecordSerializer(String topic, SerializableFunction<T, String> keyOf, int maxRequestBytes) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
        this.guard = new RecordSizeGuard(maxRequestBytes);
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        if (resultsFailed != null) {
            // The exactly-once Kafka writer opens its serializer twice (its constructor and its superclass's):
            // registering again would be a name collision, and the counters kept would be the unreported ones.
            return;
        }
        MetricGroup metrics = context.getMetricGroup();
        resultsFailed = metrics.counter(RESULTS_FAILED_METRIC);
        eventsTruncated = metrics.counter(EVENTS_TRUNCATED_METRIC);
        deadLettersCut = metrics.counter(DEAD_LETTERS_CUT_METRIC);
        dropped = metrics.counter(DROPPED_METRIC);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        String key = keyOf.apply(element);
        byte[] keyBytes = key == null || key.isEmpty() ? null : key.getBytes(StandardCharsets.UTF_8);
        RecordSizeGuard.Fitted<T> fitted = guard.fit(element, keyBytes == null ? 0 : keyBytes.length);
        if (fitted.outcome() != RecordSizeGuard.Outcome.FITS) {
            count(fitted.outcome());
            LOG.warn(
                    "A {} of {} bytes for topic '{}' exceeds the Kafka request limit: {}",
                    element.getDescriptorForType().getName(),
                    fitted.originalBytes(),
                    topic,
                    fitted.outcome());
        }
        if (fitted.message().isEmpty()) {
            return null; // the Kafka sink skips a null record
        }
        return new ProducerRecord<>(
                topic, null, timestamp, keyBytes, fitted.message().get().toByteArray());
    }

    private void count(RecordSizeGuard.Outcome outcome) {
        Counter counter = switch (outcome) {
            case RESULT_FAILED -> resultsFailed;
            case EVENT_TRUNCATED -> eventsTruncated;
            case DEAD_LETTER_CUT -> deadLettersCut;
            case DROPPED -> dropped;
            case FITS -> null;
        };
        if (counter != null) {
            counter.inc();
        }
    }

    /** The topic this serializer writes to. */
    public String topic() {
        return topic;
    }
}
