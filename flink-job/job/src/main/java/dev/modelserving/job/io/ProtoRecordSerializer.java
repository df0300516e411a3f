package dev.modelserving.job.io;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
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
 * <p>With {@link ResultsFormat#JSON} the value is the message in protobuf's JSON mapping instead (one line, UTF-8),
 * printed once per message; a JSON value above the request limit is shrunk the same way (a FAILED result).
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
    private final ResultsFormat format;
    private transient JsonFormat.Printer json;
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
        this(topic, keyOf, maxRequestBytes, ResultsFormat.PROTOBUF);
    }

    /**
     * @param topic the topic every record goes to
     * @param keyOf the record key of a message, e.g. {@code ServingResult::getKey}; may return null or ""
     * @param maxRequestBytes the producer's {@code max.request.size}: larger records are shrunk or skipped
     * @param format the encoding of the values: protobuf wire bytes or JSON
     */
    public ProtoRecordSerializer(
            String topic, SerializableFunction<T, String> keyOf, int maxRequestBytes, ResultsFormat format) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.keyOf = Objects.requireNonNull(keyOf, "keyOf");
        this.guard = new RecordSizeGuard(maxRequestBytes);
        this.format = Objects.requireNonNull(format, "format");
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
        byte[] value = format == ResultsFormat.JSON
                ? jsonValue(fitted.message().get(), keyBytes)
                : fitted.message().get().toByteArray();
        if (value == null) {
            return null;
        }
        return new ProducerRecord<>(topic, null, timestamp, keyBytes, value);
    }

    /**
     * The message as JSON; when the JSON does not fit although the wire bytes did, the guard's stand-in for a
     * message that large (a FAILED result), as JSON; null when nothing fits.
     */
    private byte[] jsonValue(T message, byte[] keyBytes) {
        byte[] value = printJson(message);
        int budget = guard.valueBudget(keyBytes == null ? 0 : keyBytes.length);
        if (value.length <= budget) {
            return value;
        }
        // Ask the guard as if the key took the JSON's extra bytes: it then makes the stand-in it makes for oversized
        // wire bytes.
        int extra = value.length - message.getSerializedSize();
        RecordSizeGuard.Fitted<T> smaller =
                guard.fit(message, (keyBytes == null ? 0 : keyBytes.length) + Math.max(extra, value.length - budget));
        count(smaller.outcome() == RecordSizeGuard.Outcome.FITS ? RecordSizeGuard.Outcome.DROPPED : smaller.outcome());
        LOG.warn(
                "A {} of {} JSON bytes for topic '{}' exceeds the Kafka request limit: {}",
                message.getDescriptorForType().getName(),
                value.length,
                topic,
                smaller.outcome());
        if (smaller.message().isEmpty() || smaller.outcome() == RecordSizeGuard.Outcome.FITS) {
            return null;
        }
        byte[] shrunk = printJson(smaller.message().get());
        return shrunk.length <= budget ? shrunk : null;
    }

    private byte[] printJson(Message message) {
        if (json == null) {
            json = JsonFormat.printer().omittingInsignificantWhitespace();
        }
        try {
            return json.print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            // Only Any fields with unknown types fail to print; results have none.
            throw new IllegalStateException(
                    "cannot print a " + message.getDescriptorForType().getName() + " as JSON: " + e.getMessage(), e);
        }
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
