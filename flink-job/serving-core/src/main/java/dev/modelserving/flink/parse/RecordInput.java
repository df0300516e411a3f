package dev.modelserving.flink.parse;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import java.io.Serializable;
import java.util.function.Consumer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * What a serving operator's record input carries, and how it becomes the {@link DataRecord} to score:
 *
 * <ul>
 *   <li>{@link #parsed()}: records already parsed (by a {@link RecordParser} before a chained operator, or made by
 *       the job, like the sensor system's machine features), served as they are;
 *   <li>{@link #encoded(ParseLimits)}: {@link EncodedRecord}s, still in their Kafka bytes, parsed and checked here
 *       once ({@link DataRecordDecoder#decode}); one that does not pass is a dead letter with the reason (and the
 *       operator metric {@value PayloadParser#DEAD_LETTERS_METRIC}), never an exception.
 * </ul>
 *
 * @param <IN> the operator's record type
 */
public abstract class RecordInput<IN> implements Serializable {

    private static final long serialVersionUID = 1L;

    private RecordInput() {}

    /** Records already parsed. */
    public static RecordInput<DataRecord> parsed() {
        return new Parsed();
    }

    /** Records still in their bytes, parsed by the serving operator; dead letters capped by {@code limits}. */
    public static RecordInput<EncodedRecord> encoded(ParseLimits limits) {
        return new Encoded(limits);
    }

    /** Registers this input's metrics, if it has any; called in the operator's {@code open}. */
    public void open(MetricGroup metrics) {}

    /**
     * The record to serve.
     *
     * @param nowMillis the operator's processing time, for a dead letter's time
     * @param deadLetters receives the dead letter of an input that cannot be served
     * @return the record, or null when the input went to {@code deadLetters}
     */
    public abstract DataRecord record(IN input, long nowMillis, Consumer<DeadLetter> deadLetters);

    private static final class Parsed extends RecordInput<DataRecord> {

        private static final long serialVersionUID = 1L;

        @Override
        public DataRecord record(DataRecord input, long nowMillis, Consumer<DeadLetter> deadLetters) {
            return input;
        }
    }

    private static final class Encoded extends RecordInput<EncodedRecord> {

        private static final long serialVersionUID = 1L;

        private final ParseLimits limits;
        private transient Counter parsed;
        private transient Counter refused;
        private transient FeatureStrings strings;

        Encoded(ParseLimits limits) {
            this.limits = limits;
        }

        @Override
        public void open(MetricGroup metrics) {
            parsed = metrics.counter(RecordParser.PARSED_METRIC);
            refused = metrics.counter(PayloadParser.DEAD_LETTERS_METRIC);
            strings = new FeatureStrings();
        }

        @Override
        public DataRecord record(EncodedRecord input, long nowMillis, Consumer<DeadLetter> deadLetters) {
            String reason;
            try {
                DataRecord record = DataRecordDecoder.decode(input.getRaw(), strings);
                parsed.inc();
                return record;
            } catch (InvalidPayloadException e) {
                reason = e.getMessage();
            } catch (RuntimeException e) {
                // A parser bug must not fail the job on one record: the record and the error go to the dead letters.
                reason = "unexpected error parsing a DataRecord: " + e;
            }
            refused.inc();
            deadLetters.accept(DeadLetters.of(input.getRaw(), reason, nowMillis, limits.deadLetterMaxPayloadBytes()));
            return null;
        }
    }
}
