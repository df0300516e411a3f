package dev.modelserving.flink.parse;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.Identifiers;
import dev.modelserving.model.records.RecordMapper;
import dev.modelserving.model.records.RecordMapping;
import dev.modelserving.model.records.RecordMappingException;
import dev.modelserving.model.records.RecordSyntax;
import dev.modelserving.model.records.SensorRecords;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.SensorReading;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Parses the data topic's raw records into {@link DataRecord}s, in one of the {@link RecordFormat}s.
 *
 * <p>Dead letters (side output {@link DeadLetters#TAG}): an empty payload, bytes that do not parse as the format,
 * bytes that parse but carry fields the format does not know (a DataRecord read as a SensorReading, or the other way
 * round: protobuf is lenient across types), a DataRecord without {@code data_type}, a SensorReading without
 * {@code machine_id}, and identifiers that break {@link Identifiers}' rules ({@code data_type}, {@code key},
 * {@code id}, {@code machine_id}, and a key taken from the Kafka record). Missing values are completed from the Kafka
 * record: no {@code id} gets the deterministic id {@code topic-partition-offset}; no {@code key} gets the Kafka key
 * (UTF-8) when there is one; no {@code event_time_millis} gets the Kafka timestamp. Feature values are not checked
 * here (a missing or NaN feature is the serving function's FAILED result).
 *
 * <p>JSON and CSV values ({@link RecordFormat#JSON}, {@link RecordFormat#CSV}) are mapped by a {@link RecordMapping}
 * (read on the client from {@code --record-mapping} and carried in this function) with the {@link RecordMapper} that
 * {@code modelctl} uses too: bad JSON or CSV, a missing mapped field, a non-numeric value for a numeric feature (and
 * the other {@link RecordMappingException}s) are dead letters whose reason names the field. NaN values are carried as
 * in protobuf records.
 *
 * <p>Restore safety: the parser keeps its {@link InputContract} (the {@code --data-format}) in union operator state.
 * A job restored from a savepoint or checkpoint taken under another contract fails once, with a
 * {@link SuppressRestartsException} naming both, instead of reading the restored offsets in the wrong format (or
 * restarting in a loop).
 *
 * <p>Metrics: {@value #PARSED_METRIC} and {@value PayloadParser#DEAD_LETTERS_METRIC}.
 */
public class RecordParser extends PayloadParser<DataRecord> implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /** Operator metric: records parsed. */
    public static final String PARSED_METRIC = "recordsParsed";

    private final RecordFormat format;
    private final InputContract contract;
    /** The mapping of JSON and CSV values; null for the protobuf formats. */
    private final RecordMapping mapping;

    private transient RecordMapper mapper;
    private transient FeatureStrings strings;
    private transient ListState<String> contractState;

    /** A parser for values in {@code format}, with the default limits. */
    public RecordParser(RecordFormat format) {
        this(format, ParseLimits.defaults());
    }

    /** A parser for values in {@code format}. */
    public RecordParser(RecordFormat format, ParseLimits limits) {
        this(format, limits, null);
    }

    /**
     * A parser for values in {@code format}; JSON and CSV values need {@code mapping}.
     *
     * @param mapping how JSON or CSV values become records (null for the protobuf formats)
     * @throws IllegalArgumentException when a mapping is missing, not for the format's syntax, or given for a
     *     protobuf format
     */
    public RecordParser(RecordFormat format, ParseLimits limits, RecordMapping mapping) {
        super(ProtoTypeInfo.of(DataRecord.class), PARSED_METRIC, limits);
        this.format = Objects.requireNonNull(format, "format");
        this.contract = new InputContract(format);
        if (format.needsMapping()) {
            if (mapping == null) {
                throw new IllegalArgumentException(
                        "--data-format " + format.flagValue() + " needs a record mapping (--record-mapping)");
            }
            mapping.requireSyntax(format == RecordFormat.JSON ? RecordSyntax.JSON : RecordSyntax.CSV);
            new RecordMapper(mapping); // fails here, on the client, when a field path is invalid
        } else if (mapping != null) {
            throw new IllegalArgumentException(
                    "a record mapping is for --data-format json|csv, not " + format.flagValue());
        }
        this.mapping = mapping;
    }

    public RecordFormat format() {
        return format;
    }

    /** The input contract this parser runs under (kept in state, checked on restore). */
    public InputContract contract() {
        return contract;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        contractState = context.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>("input-contract", Types.STRING));
        if (context.isRestored()) {
            for (String restored : contractState.get()) {
                if (!restored.equals(contract.encode())) {
                    throw new SuppressRestartsException(new IllegalStateException("the savepoint (or checkpoint) this"
                            + " job restores was taken with " + InputContract.describe(restored) + "; the job now"
                            + " runs with " + contract.describe() + ": restart with the same "
                            + InputContract.flagNames(restored)
                            + ", or start without the savepoint"));
                }
            }
        }
        contractState.update(List.of(contract.encode()));
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        contractState.update(List.of(contract.encode()));
    }

    @Override
    protected String expected() {
        return switch (format) {
            case DATA_RECORD -> "a DataRecord";
            case SENSOR_READING -> "a SensorReading";
            case JSON -> "a JSON record";
            case CSV -> "a CSV record";
        };
    }

    @Override
    protected DataRecord parse(RawRecord raw) throws InvalidPayloadException {
        return switch (format) {
            case DATA_RECORD -> DataRecordDecoder.decode(raw, featureStrings());
            case SENSOR_READING ->
                DataRecordDecoder.complete(SensorRecords.toRecord(parseSensorReading(raw.getPayload())), raw);
            case JSON, CSV -> DataRecordDecoder.complete(mapRecord(raw.getPayload()), raw);
        };
    }

    /** The strings this parser keeps (created on first use: a function is serialized with the job, they are not). */
    FeatureStrings featureStrings() {
        if (strings == null) {
            strings = new FeatureStrings();
        }
        return strings;
    }

    private DataRecord mapRecord(byte[] payload) throws InvalidPayloadException {
        if (mapper == null) {
            mapper = new RecordMapper(mapping);
        }
        try {
            return mapper.map(payload);
        } catch (RecordMappingException e) {
            throw new InvalidPayloadException(
                    format.flagValue().toUpperCase(java.util.Locale.ROOT) + " record: " + e.getMessage(), e);
        }
    }

    private static SensorReading parseSensorReading(byte[] payload) throws InvalidPayloadException {
        SensorReading reading;
        try {
            reading = SensorReading.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidPayloadException(
                    "not a SensorReading (" + payload.length + " bytes): " + e.getMessage(), e);
        }
        requireKnownFields(reading, payload.length);
        if (reading.getMachineId().isBlank()) {
            throw new InvalidPayloadException(
                    "SensorReading without machine_id (timestamp " + reading.getTimestampMillis() + ")");
        }
        require(Identifiers.recordKeyProblem("machine_id", reading.getMachineId()), "SensorReading: ");
        return reading;
    }
}
