package dev.modelserving.flink.parse;

import java.util.Objects;

/**
 * A data topic's record on its way to the serving operator, still in its wire bytes: the {@link RawRecord} as
 * consumed (a DataRecord payload, its Kafka key, origin and timestamp) and its data type, read ahead so the record
 * can be keyed or routed without being parsed ({@link DataRecordDecoder#dataType}). The serving operator parses it
 * once ({@link DataRecordDecoder#decode}); parsing it on the source side as well would parse every record twice and
 * serialize it once in between, at the exchange.
 *
 * <p>A Flink POJO (public no-argument constructor, getters and setters), so Flink serializes it with its
 * {@code PojoSerializer}, never Kryo.
 */
public class EncodedRecord {

    private String dataType = "";
    private RawRecord raw = new RawRecord();

    /** For Flink's POJO serializer. */
    public EncodedRecord() {}

    /**
     * @param dataType the record's data type, read from its payload
     * @param raw the Kafka record whose payload is a DataRecord
     */
    public EncodedRecord(String dataType, RawRecord raw) {
        this.dataType = Objects.requireNonNull(dataType, "dataType");
        this.raw = Objects.requireNonNull(raw, "raw");
    }

    public String getDataType() {
        return dataType;
    }

    public void setDataType(String dataType) {
        this.dataType = dataType;
    }

    /** The Kafka record; its payload is the DataRecord's bytes. */
    public RawRecord getRaw() {
        return raw;
    }

    public void setRaw(RawRecord raw) {
        this.raw = raw;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedRecord other && dataType.equals(other.dataType) && raw.equals(other.raw);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dataType, raw);
    }

    @Override
    public String toString() {
        return "EncodedRecord{" + dataType + ", " + raw + "}";
    }
}
