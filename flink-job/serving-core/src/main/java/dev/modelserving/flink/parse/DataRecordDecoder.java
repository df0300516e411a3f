package dev.modelserving.flink.parse;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.modelserving.model.Identifiers;
import dev.modelserving.proto.DataRecord;
import java.io.IOException;

/**
 * The rules that make a data topic's bytes a {@link DataRecord}, in one place: what the record parser applies on the
 * source side and what the serving operators apply when the bytes cross the exchange unparsed ({@link EncodedRecord}).
 *
 * <ul>
 *   <li>{@link #decode}: parses and checks a DataRecord payload (bytes that do not parse, fields a DataRecord does not
 *       know, a missing {@code data_type}, identifiers that break {@link Identifiers}' rules), then completes it from
 *       its Kafka record ({@link #complete}).
 *   <li>{@link #dataType}: reads only the {@code data_type} (and the {@code id}, for the reason) of a payload without
 *       building the record, skipping the features and the vector: enough to key a record by data type. A payload
 *       that passes it may still fail {@link #decode}.
 * </ul>
 */
public final class DataRecordDecoder {

    /** A tag is the field number shifted left by 3, or'ed with the wire type (2: length-delimited). */
    private static final int DATA_TYPE_TAG = lengthDelimitedTag(DataRecord.DATA_TYPE_FIELD_NUMBER);

    private static final int ID_TAG = lengthDelimitedTag(DataRecord.ID_FIELD_NUMBER);

    private DataRecordDecoder() {}

    /** Parses, checks and completes the DataRecord in {@code raw}'s payload. */
    public static DataRecord decode(RawRecord raw) throws InvalidPayloadException {
        byte[] payload = raw.getPayload();
        DataRecord.Builder builder = DataRecord.newBuilder();
        try {
            builder.mergeFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw notADataRecord(payload, e);
        }
        // The builder is completed in place: toBuilder() would copy every feature and the vector.
        DataRecord record = builder.buildPartial();
        PayloadParser.requireKnownFields(record, payload.length);
        PayloadParser.require(Identifiers.recordKeyProblem("id", record.getId()), "DataRecord: ");
        PayloadParser.require(
                Identifiers.recordKeyProblem("key", record.getKey()), "DataRecord '" + record.getId() + "': ");
        requireDataType(record.getDataType(), record.getId());
        return complete(record, builder, raw);
    }

    /**
     * The {@code data_type} of a DataRecord payload, read without parsing the rest of it.
     *
     * @throws InvalidPayloadException when the bytes are not a protobuf message, or the data type is missing or breaks
     *     the identifier rules
     */
    public static String dataType(byte[] payload) throws InvalidPayloadException {
        String dataType = "";
        String id = "";
        CodedInputStream in = CodedInputStream.newInstance(payload);
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == DATA_TYPE_TAG) {
                    dataType = in.readStringRequireUtf8();
                } else if (tag == ID_TAG) {
                    id = in.readStringRequireUtf8();
                } else if (!in.skipField(tag)) {
                    throw new InvalidProtocolBufferException("an end-group tag outside a group");
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw notADataRecord(payload, e);
        } catch (IOException e) {
            // Only InvalidProtocolBufferException is possible on an array; anything else is a bug worth its reason.
            throw new InvalidPayloadException("not a DataRecord (" + payload.length + " bytes): " + e, e);
        }
        requireDataType(dataType, id);
        return dataType;
    }

    /**
     * Fills a record's missing id, key and event time from its Kafka record: no {@code id} gets
     * {@code topic-partition-offset}, no {@code key} the Kafka key (UTF-8) when there is one, no
     * {@code event_time_millis} the Kafka timestamp.
     *
     * @param parsedInto the builder {@code record} was built from, to complete without copying; null: a copy
     */
    static DataRecord complete(DataRecord record, DataRecord.Builder parsedInto, RawRecord raw)
            throws InvalidPayloadException {
        boolean noId = record.getId().isEmpty();
        boolean takeKafkaKey = record.getKey().isEmpty() && raw.getKey() != null && raw.getKey().length > 0;
        boolean takeKafkaTime = record.getEventTimeMillis() == 0 && raw.getTimestamp() >= 0;
        if (!noId && !takeKafkaKey && !takeKafkaTime) {
            return record;
        }
        DataRecord.Builder builder = parsedInto != null ? parsedInto : record.toBuilder();
        if (noId) {
            builder.setId(raw.origin());
        }
        if (takeKafkaKey) {
            String key = raw.keyAsString();
            PayloadParser.require(
                    Identifiers.recordKeyProblem("key (the Kafka record key)", key),
                    "DataRecord '" + builder.getId() + "': ");
            builder.setKey(key);
        }
        if (takeKafkaTime) {
            builder.setEventTimeMillis(raw.getTimestamp());
        }
        return builder.build();
    }

    private static void requireDataType(String dataType, String id) throws InvalidPayloadException {
        if (dataType.isBlank()) {
            throw new InvalidPayloadException("DataRecord without data_type (id '" + id + "')");
        }
        PayloadParser.require(Identifiers.dataTypeProblem("data_type", dataType), "DataRecord '" + id + "': ");
    }

    private static int lengthDelimitedTag(int fieldNumber) {
        return (fieldNumber << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    private static InvalidPayloadException notADataRecord(byte[] payload, InvalidProtocolBufferException e) {
        return new InvalidPayloadException("not a DataRecord (" + payload.length + " bytes): " + e.getMessage(), e);
    }
}
