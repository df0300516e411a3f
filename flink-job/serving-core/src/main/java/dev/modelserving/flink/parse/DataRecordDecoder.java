package dev.modelserving.flink.parse;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.modelserving.model.ForeignFields;
import dev.modelserving.model.Identifiers;
import dev.modelserving.proto.DataRecord;
import java.io.IOException;
import java.util.function.Supplier;

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
    private static final int DATA_TYPE_TAG =
            (DataRecord.DATA_TYPE_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private static final int ID_TAG = (DataRecord.ID_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private static final int KEY_TAG = (DataRecord.KEY_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private static final int EVENT_TIME_TAG =
            (DataRecord.EVENT_TIME_MILLIS_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_VARINT;

    private static final int FEATURE_TAG =
            (DataRecord.FEATURES_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private static final int CATEGORICAL_TAG =
            (DataRecord.CATEGORICAL_FEATURES_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    /** Repeated scalars are accepted packed and unpacked, as protobuf accepts them. */
    private static final int VECTOR_PACKED_TAG =
            (DataRecord.VECTOR_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private static final int VECTOR_TAG = (DataRecord.VECTOR_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_FIXED32;

    private static final int SHAPE_PACKED_TAG =
            (DataRecord.VECTOR_SHAPE_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private static final int SHAPE_TAG = (DataRecord.VECTOR_SHAPE_FIELD_NUMBER << 3) | WireFormat.WIRETYPE_VARINT;

    /** A map entry's key is its field 1, its value field 2: a double (fixed64) or a string. */
    private static final int ENTRY_KEY_TAG = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private static final int FEATURE_VALUE_TAG = (2 << 3) | WireFormat.WIRETYPE_FIXED64;

    private static final int CATEGORY_VALUE_TAG = (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private DataRecordDecoder() {}

    /** Parses, checks and completes the DataRecord in {@code raw}'s payload. */
    public static DataRecord decode(RawRecord raw) throws InvalidPayloadException {
        return decode(raw, new FeatureStrings());
    }

    /**
     * Parses, checks and completes the DataRecord in {@code raw}'s payload, taking its data type, feature names and
     * categorical values from (and adding them to) {@code strings}, those of the operator instance that decodes it.
     */
    public static DataRecord decode(RawRecord raw, FeatureStrings strings) throws InvalidPayloadException {
        DataRecord.Builder builder = parse(raw.getPayload(), strings);
        PayloadParser.require(Identifiers.recordKeyProblem("id", builder.getId()), "DataRecord: ");
        PayloadParser.require(Identifiers.recordKeyProblem("key", builder.getKey()), () -> about(builder.getId()));
        requireDataType(builder.getDataType(), builder::getId);
        // Completed in the builder it was parsed into, and built once: no copy of its features and vector.
        fill(builder, raw);
        return builder.build();
    }

    /**
     * What {@code DataRecord.newBuilder().mergeFrom(payload)} builds, and as strict as {@link
     * PayloadParser#requireKnownFields}: a tag that is not a DataRecord field (an unknown number, or a known number
     * with another wire type, which protobuf would keep as an unknown field) is refused. The scalar fields and the two
     * maps are read here (data type, feature names and categorical values through {@code strings}, and no protobuf
     * map entry per feature); the packed vector and shape by protobuf's generated code, which sizes their arrays once.
     */
    private static DataRecord.Builder parse(byte[] payload, FeatureStrings strings) throws InvalidPayloadException {
        DataRecord.Builder builder = DataRecord.newBuilder();
        CodedInputStream in = CodedInputStream.newInstance(payload);
        try {
            int tagAt = 0;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (tag) {
                    case DATA_TYPE_TAG -> builder.setDataType(readString(in, payload, strings::name));
                    case KEY_TAG -> builder.setKey(in.readStringRequireUtf8());
                    case ID_TAG -> builder.setId(in.readStringRequireUtf8());
                    case EVENT_TIME_TAG -> builder.setEventTimeMillis(in.readInt64());
                    case FEATURE_TAG -> readFeature(in, payload, strings, builder);
                    case CATEGORICAL_TAG -> readCategorical(in, payload, strings, builder);
                    case VECTOR_PACKED_TAG, VECTOR_TAG, SHAPE_PACKED_TAG, SHAPE_TAG -> {
                        in.skipField(tag);
                        builder.mergeFrom(payload, tagAt, in.getTotalBytesRead() - tagAt);
                    }
                    default -> {
                        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_END_GROUP) {
                            throw endGroupOutsideAGroup();
                        }
                        String type = DataRecord.getDescriptor().getName();
                        throw new InvalidPayloadException(PayloadParser.foreignField(
                                type,
                                new ForeignFields.Foreign(WireFormat.getTagFieldNumber(tag), "", type),
                                payload.length));
                    }
                }
                tagAt = in.getTotalBytesRead();
            }
        } catch (InvalidProtocolBufferException e) {
            throw notADataRecord(payload, e);
        } catch (IOException e) {
            // Only InvalidProtocolBufferException is possible on an array; anything else is a bug worth its reason.
            throw new InvalidPayloadException("not a DataRecord (" + payload.length + " bytes): " + e, e);
        }
        return builder;
    }

    /** One entry of the features map, as protobuf reads a map entry: a missing name is "", a missing value 0. */
    private static void readFeature(
            CodedInputStream in, byte[] payload, FeatureStrings strings, DataRecord.Builder builder)
            throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        String name = "";
        double value = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == ENTRY_KEY_TAG) {
                name = readString(in, payload, strings::name);
            } else if (tag == FEATURE_VALUE_TAG) {
                value = in.readDouble();
            } else if (!in.skipField(tag)) {
                throw endGroupOutsideAGroup();
            }
        }
        in.popLimit(limit);
        builder.putFeatures(name, value);
    }

    /** One entry of the categorical features map: a missing name or value is "". */
    private static void readCategorical(
            CodedInputStream in, byte[] payload, FeatureStrings strings, DataRecord.Builder builder)
            throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        String name = "";
        String value = "";
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (tag == ENTRY_KEY_TAG) {
                name = readString(in, payload, strings::name);
            } else if (tag == CATEGORY_VALUE_TAG) {
                value = readString(in, payload, strings::category);
            } else if (!in.skipField(tag)) {
                throw endGroupOutsideAGroup();
            }
        }
        in.popLimit(limit);
        builder.putCategoricalFeatures(name, value);
    }

    /** A string field's value, looked up by its bytes where they stand in {@code payload}. */
    private static String readString(CodedInputStream in, byte[] payload, StringLookup lookup) throws IOException {
        int length = in.readRawVarint32();
        if (length < 0 || length > in.getBytesUntilLimit()) {
            throw new InvalidProtocolBufferException("a string of " + length + " bytes where " + in.getBytesUntilLimit()
                    + " bytes are left (truncated?)");
        }
        String value = lookup.get(payload, in.getTotalBytesRead(), length);
        in.skipRawBytes(length);
        return value;
    }

    /** Where {@link #readString} finds a string by its UTF-8 bytes. */
    @FunctionalInterface
    private interface StringLookup {
        String get(byte[] payload, int offset, int length) throws InvalidProtocolBufferException;
    }

    /**
     * The {@code data_type} of a DataRecord payload, read without parsing the rest of it.
     *
     * @throws InvalidPayloadException when the bytes are not a protobuf message, or the data type is missing or breaks
     *     the identifier rules
     */
    public static String dataType(byte[] payload) throws InvalidPayloadException {
        return dataType(payload, new FeatureStrings());
    }

    /**
     * The {@code data_type} of a DataRecord payload, read without parsing the rest of it, from (and added to) the
     * operator instance's {@code strings}: records of one data type get the same String, whose hash (their key group)
     * is computed once.
     *
     * @throws InvalidPayloadException when the bytes are not a protobuf message, or the data type is missing or breaks
     *     the identifier rules
     */
    public static String dataType(byte[] payload, FeatureStrings strings) throws InvalidPayloadException {
        String dataType = "";
        CodedInputStream in = CodedInputStream.newInstance(payload);
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == DATA_TYPE_TAG) {
                    dataType = readString(in, payload, strings::name);
                } else if (!in.skipField(tag)) {
                    throw endGroupOutsideAGroup();
                }
            }
        } catch (InvalidProtocolBufferException e) {
            throw notADataRecord(payload, e);
        } catch (IOException e) {
            // Only InvalidProtocolBufferException is possible on an array; anything else is a bug worth its reason.
            throw new InvalidPayloadException("not a DataRecord (" + payload.length + " bytes): " + e, e);
        }
        requireDataType(dataType, () -> idOf(payload));
        return dataType;
    }

    /** The id of a payload that was read to its end once already, for a dead letter's reason ("" when it has none). */
    private static String idOf(byte[] payload) {
        String id = "";
        CodedInputStream in = CodedInputStream.newInstance(payload);
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (tag == ID_TAG) {
                    id = in.readStringRequireUtf8();
                } else {
                    in.skipField(tag);
                }
            }
        } catch (IOException e) {
            return id + " (unreadable: " + e.getMessage() + ")";
        }
        return id;
    }

    /**
     * Fills a record's missing id, key and event time from its Kafka record: no {@code id} gets
     * {@code topic-partition-offset}, no {@code key} the Kafka key (UTF-8) when there is one, no
     * {@code event_time_millis} the Kafka timestamp.
     */
    static DataRecord complete(DataRecord record, RawRecord raw) throws InvalidPayloadException {
        if (!needsFilling(record, raw)) {
            return record;
        }
        DataRecord.Builder builder = record.toBuilder();
        fill(builder, raw);
        return builder.build();
    }

    /** {@link #complete}, in the builder of a record not built yet. */
    private static void fill(DataRecord.Builder builder, RawRecord raw) throws InvalidPayloadException {
        if (builder.getId().isEmpty()) {
            builder.setId(raw.origin());
        }
        if (takesKafkaKey(builder.getKey(), raw)) {
            String key = raw.keyAsString();
            PayloadParser.require(
                    Identifiers.recordKeyProblem("key (the Kafka record key)", key), () -> about(builder.getId()));
            builder.setKey(key);
        }
        if (takesKafkaTime(builder.getEventTimeMillis(), raw)) {
            builder.setEventTimeMillis(raw.getTimestamp());
        }
    }

    private static boolean needsFilling(DataRecord record, RawRecord raw) {
        return record.getId().isEmpty()
                || takesKafkaKey(record.getKey(), raw)
                || takesKafkaTime(record.getEventTimeMillis(), raw);
    }

    private static boolean takesKafkaKey(String key, RawRecord raw) {
        return key.isEmpty() && raw.getKey() != null && raw.getKey().length > 0;
    }

    private static boolean takesKafkaTime(long eventTimeMillis, RawRecord raw) {
        return eventTimeMillis == 0 && raw.getTimestamp() >= 0;
    }

    /** The record's id is read only when a check fails: it names the record in the dead letter's reason. */
    private static void requireDataType(String dataType, Supplier<String> id) throws InvalidPayloadException {
        if (dataType.isBlank()) {
            throw new InvalidPayloadException("DataRecord without data_type (id '" + id.get() + "')");
        }
        PayloadParser.require(Identifiers.dataTypeProblem("data_type", dataType), () -> about(id.get()));
    }

    /** The context of a reason about record {@code id}. */
    private static String about(String id) {
        return "DataRecord '" + id + "': ";
    }

    private static InvalidProtocolBufferException endGroupOutsideAGroup() {
        return new InvalidProtocolBufferException("an end-group tag outside a group");
    }

    private static InvalidPayloadException notADataRecord(byte[] payload, InvalidProtocolBufferException e) {
        return new InvalidPayloadException("not a DataRecord (" + payload.length + " bytes): " + e.getMessage(), e);
    }
}
