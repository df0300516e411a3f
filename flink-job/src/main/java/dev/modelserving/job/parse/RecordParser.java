package dev.modelserving.job.parse;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.job.io.RawRecord;
import dev.modelserving.model.records.SensorRecords;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.SensorReading;
import java.util.Objects;

/**
 * Parses the data topic's raw records into {@link DataRecord}s, in one of the {@link RecordFormat}s.
 *
 * <p>Dead letters (side output {@link DeadLetters#TAG}): an empty payload, bytes that do not parse as the format, a
 * DataRecord without {@code data_type}, a SensorReading without {@code machine_id}. Missing values are completed from
 * the Kafka record: no {@code id} gets the deterministic id {@code topic-partition-offset}; no {@code key} gets the
 * Kafka key (UTF-8) when there is one; no {@code event_time_millis} gets the Kafka timestamp. Feature values are not
 * checked here (a missing or NaN feature is the serving function's FAILED result).
 *
 * <p>Metrics: {@value #PARSED_METRIC} and {@value PayloadParser#DEAD_LETTERS_METRIC}.
 */
public class RecordParser extends PayloadParser<DataRecord> {

    private static final long serialVersionUID = 1L;

    /** Operator metric: records parsed. */
    public static final String PARSED_METRIC = "recordsParsed";

    private final RecordFormat format;

    /** A parser for values in {@code format}. */
    public RecordParser(RecordFormat format) {
        super(DataRecord.class, PARSED_METRIC);
        this.format = Objects.requireNonNull(format, "format");
    }

    public RecordFormat format() {
        return format;
    }

    @Override
    protected String expected() {
        return format == RecordFormat.DATA_RECORD ? "a DataRecord" : "a SensorReading";
    }

    @Override
    protected DataRecord parse(RawRecord raw) throws InvalidPayloadException {
        DataRecord record = switch (format) {
            case DATA_RECORD -> parseDataRecord(raw.getPayload());
            case SENSOR_READING -> SensorRecords.toRecord(parseSensorReading(raw.getPayload()));
        };
        return complete(record, raw);
    }

    private static DataRecord parseDataRecord(byte[] payload) throws InvalidPayloadException {
        DataRecord record;
        try {
            record = DataRecord.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidPayloadException(
                    "not a DataRecord (" + payload.length + " bytes): " + e.getMessage(), e);
        }
        if (record.getDataType().isBlank()) {
            throw new InvalidPayloadException("DataRecord without data_type (id '" + record.getId() + "')");
        }
        return record;
    }

    private static SensorReading parseSensorReading(byte[] payload) throws InvalidPayloadException {
        SensorReading reading;
        try {
            reading = SensorReading.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidPayloadException(
                    "not a SensorReading (" + payload.length + " bytes): " + e.getMessage(), e);
        }
        if (reading.getMachineId().isBlank()) {
            throw new InvalidPayloadException(
                    "SensorReading without machine_id (timestamp " + reading.getTimestampMillis() + ")");
        }
        return reading;
    }

    private static DataRecord complete(DataRecord record, RawRecord raw) {
        boolean noId = record.getId().isEmpty();
        boolean takeKafkaKey = record.getKey().isEmpty() && raw.getKey() != null && raw.getKey().length > 0;
        boolean takeKafkaTime = record.getEventTimeMillis() == 0 && raw.getTimestamp() >= 0;
        if (!noId && !takeKafkaKey && !takeKafkaTime) {
            return record;
        }
        DataRecord.Builder builder = record.toBuilder();
        if (noId) {
            builder.setId(raw.origin());
        }
        if (takeKafkaKey) {
            builder.setKey(raw.keyAsString());
        }
        if (takeKafkaTime) {
            builder.setEventTimeMillis(raw.getTimestamp());
        }
        return builder.build();
    }
}
