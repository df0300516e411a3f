package dev.modelserving.flink.parse;

import dev.modelserving.model.records.RecordMapping;
import dev.modelserving.proto.DataRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * The source side of the data topic when the serving operator parses: turns raw Kafka records into
 * {@link EncodedRecord}s, keyed by a data type read ahead of parsing, so that every record is parsed once, after the
 * exchange, instead of once before it, serialized, and once more after it.
 *
 * <ul>
 *   <li>{@link RecordFormat#DATA_RECORD} payloads pass as they are: only their {@code data_type} is read
 *       ({@link DataRecordDecoder#dataType}). Bytes that are not a protobuf message and records without a valid data
 *       type are dead letters here; every other check ({@link DataRecordDecoder#decode}) runs in the serving operator,
 *       which sends its own dead letters.
 *   <li>The other formats (SensorReading, JSON and CSV through a {@link RecordMapping}) are parsed and completed here
 *       by a {@link RecordParser} (same rules, same dead letters) and passed on as DataRecord bytes.
 * </ul>
 *
 * <p>Keeps the {@link RecordParser}'s input contract in its state (restoring a savepoint of the other format fails
 * once, as there). Metrics: {@value #READ_METRIC} and {@value PayloadParser#DEAD_LETTERS_METRIC}.
 */
public class EncodedRecordReader extends PayloadParser<EncodedRecord> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /** Operator metric: records passed on to serving. */
    public static final String READ_METRIC = "recordsRead";

    private final RecordParser parser;

    /** A reader of values in {@code format}; JSON and CSV values need {@code mapping} (null otherwise). */
    public EncodedRecordReader(RecordFormat format, ParseLimits limits, RecordMapping mapping) {
        super(TypeInformation.of(EncodedRecord.class), READ_METRIC, limits);
        this.parser = new RecordParser(format, limits, mapping);
    }

    public RecordFormat format() {
        return parser.format();
    }

    @Override
    protected String expected() {
        return parser.expected();
    }

    @Override
    protected EncodedRecord parse(RawRecord raw) throws InvalidPayloadException {
        if (parser.format() == RecordFormat.DATA_RECORD) {
            return new EncodedRecord(DataRecordDecoder.dataType(raw.getPayload(), parser.featureStrings()), raw);
        }
        DataRecord record = parser.parse(raw);
        RawRecord encoded = new RawRecord(
                record.toByteArray(),
                raw.getKey(),
                raw.getTopic(),
                raw.getPartition(),
                raw.getOffset(),
                raw.getTimestamp());
        return new EncodedRecord(record.getDataType(), encoded);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        parser.initializeState(context);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        parser.snapshotState(context);
    }
}
