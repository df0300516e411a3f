package dev.modelserving.flink.parse;

import com.google.protobuf.Message;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.ForeignFields;
import dev.modelserving.proto.DeadLetter;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses raw Kafka records into one message type. Input it cannot use goes to the {@link DeadLetters#TAG} side output
 * with its bytes, origin and the reason; nothing thrown while parsing escapes, so bad input never fails the job.
 * Counts parsed messages and dead letters as Flink metrics of the operator. Declares its output type (for protobuf
 * messages {@link ProtoTypeInfo}), so {@code stream.process(parser)} needs no {@code returns(...)} and never uses Kryo.
 *
 * @param <T> the type produced (a protobuf message, or an {@link EncodedRecord})
 */
public abstract class PayloadParser<T> extends ProcessFunction<RawRecord, T> implements ResultTypeQueryable<T> {

    private static final long serialVersionUID = 1L;

    /** Operator metric: dead letters emitted. */
    public static final String DEAD_LETTERS_METRIC = "deadLetters";

    private final TypeInformation<T> producedType;
    private final String parsedMetric;
    private final ParseLimits limits;
    private transient Counter parsed;
    private transient Counter deadLetters;

    /**
     * @param producedType the type produced (e.g. {@code ProtoTypeInfo.of(ModelDescriptor.class)})
     * @param parsedMetric name of the operator metric counting parsed messages
     * @param limits the bounds applied to input (dead-letter payload cap and the parser's own caps)
     */
    protected PayloadParser(TypeInformation<T> producedType, String parsedMetric, ParseLimits limits) {
        this.producedType = Objects.requireNonNull(producedType, "producedType");
        this.parsedMetric = parsedMetric;
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** The bounds this parser applies. */
    public ParseLimits limits() {
        return limits;
    }

    /**
     * Refuses a message that carries fields its schema does not know, anywhere in its tree: bytes of another message
     * type parse leniently, so unknown fields mean the payload is not what the topic should carry.
     *
     * @param message the parsed message
     * @param payloadSize the payload's size, for the reason
     * @throws InvalidPayloadException "not a SensorReading: field 3 is not a SensorReading field (...)"
     */
    protected static void requireKnownFields(Message message, int payloadSize) throws InvalidPayloadException {
        Optional<ForeignFields.Foreign> foreign = ForeignFields.first(message);
        if (foreign.isPresent()) {
            throw new InvalidPayloadException(
                    foreignField(message.getDescriptorForType().getName(), foreign.get(), payloadSize));
        }
    }

    /** The reason for a payload refused for a field its schema does not know (see {@link #requireKnownFields}). */
    static String foreignField(String messageType, ForeignFields.Foreign foreign, int payloadSize) {
        return "not a " + messageType + ": " + foreign.describe() + " (" + payloadSize
                + " bytes; a payload of another type, or of a newer schema?)";
    }

    /**
     * Refuses input with a problem (e.g. from {@code Identifiers}).
     *
     * @param problem the problem, or empty
     * @param context what the problem is about, prefixed to the reason ("ModelDescriptor 'm': "), may be empty
     */
    protected static void require(Optional<String> problem, String context) throws InvalidPayloadException {
        if (problem.isPresent()) {
            throw new InvalidPayloadException(context + problem.get());
        }
    }

    /**
     * As {@link #require(Optional, String)}, for checks that run on every record: the context is built only when
     * there is a problem.
     */
    protected static void require(Optional<String> problem, Supplier<String> context) throws InvalidPayloadException {
        if (problem.isPresent()) {
            throw new InvalidPayloadException(context.get() + problem.get());
        }
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return producedType;
    }

    /** What the payload should be, for reasons ("a DataRecord"). */
    protected abstract String expected();

    /**
     * Whether {@link #parse} is also called for an empty payload (a Kafka tombstone, which means "removed" on a
     * compacted topic); by default an empty payload is a dead letter without calling {@link #parse}.
     */
    protected boolean acceptsEmptyPayload() {
        return false;
    }

    /**
     * Parses a payload (non-empty unless {@link #acceptsEmptyPayload()}).
     *
     * @throws InvalidPayloadException with the reason when the record cannot be used
     */
    protected abstract T parse(RawRecord raw) throws InvalidPayloadException;

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        parsed = metrics.counter(parsedMetric);
        deadLetters = metrics.counter(DEAD_LETTERS_METRIC);
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
        T message;
        try {
            if (raw.getPayload().length == 0 && !acceptsEmptyPayload()) {
                throw new InvalidPayloadException(
                        "empty payload (a tombstone or a zero-length value), expected " + expected());
            }
            message = parse(raw);
        } catch (InvalidPayloadException e) {
            refuse(raw, e.getMessage(), ctx);
            return;
        } catch (RuntimeException e) {
            // A parser bug must not fail the job on one record: the record and the error go to the dead letters.
            refuse(raw, "unexpected error parsing " + expected() + ": " + e, ctx);
            return;
        }
        parsed.inc();
        out.collect(message);
    }

    private void refuse(RawRecord raw, String reason, Context ctx) {
        DeadLetter letter = DeadLetters.of(
                raw, reason, ctx.timerService().currentProcessingTime(), limits.deadLetterMaxPayloadBytes());
        deadLetters.inc();
        ctx.output(DeadLetters.TAG, letter);
    }
}
