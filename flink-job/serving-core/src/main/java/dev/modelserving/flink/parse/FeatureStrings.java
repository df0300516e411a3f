package dev.modelserving.flink.parse;

import com.google.protobuf.InvalidProtocolBufferException;

/**
 * The strings of the records one decoder has met that repeat from record to record: data types and feature names, and
 * categorical values, each kept in its own bounded {@link StringTable}. Every record of a data type carries the same
 * data type and the same few dozen feature names, so {@link DataRecordDecoder#decode(RawRecord, FeatureStrings)}
 * builds it from Strings it decoded and hashed once, instead of decoding and hashing them in every record. Record ids
 * and keys, which change from record to record, are not kept.
 *
 * <p>One instance per operator instance (not thread-safe); a hostile stream of new strings fills the tables up to their
 * bound and is then decoded string by string, as protobuf decodes it.
 */
public final class FeatureStrings {

    private final StringTable names = new StringTable();
    private final StringTable categories = new StringTable();

    /** A data type or a feature name, from its UTF-8 bytes {@code payload[offset, offset + length)}. */
    String name(byte[] payload, int offset, int length) throws InvalidProtocolBufferException {
        return names.get(payload, offset, length);
    }

    /** A categorical feature's value, from its UTF-8 bytes {@code payload[offset, offset + length)}. */
    String category(byte[] payload, int offset, int length) throws InvalidProtocolBufferException {
        return categories.get(payload, offset, length);
    }

    /** How many data types and feature names are kept. */
    int names() {
        return names.size();
    }
}
