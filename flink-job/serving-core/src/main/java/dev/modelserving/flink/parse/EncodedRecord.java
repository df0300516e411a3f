package dev.modelserving.flink.parse;

import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A data topic's record on its way to the serving operator, still in its wire bytes: the {@link RawRecord} as
 * consumed (a DataRecord payload, its Kafka key, origin and timestamp) and its data type, read ahead so the record
 * can be keyed or routed without being parsed ({@link DataRecordDecoder#dataType}). The serving operator parses it
 * once ({@link DataRecordDecoder#decode}); parsing it on the source side as well would parse every record twice and
 * serialize it once in between, at the exchange.
 *
 * <p>Every data record crosses the exchange as one, so it has its own serializer ({@link EncodedRecordSerializer},
 * chosen by {@code @TypeInfo}: {@code TypeInformation.of(EncodedRecord.class)} is an {@link EncodedRecordTypeInfo}),
 * which is cheaper than Flink's {@code PojoSerializer} and hands the records of one data type the same String. It is
 * never Kryo.
 */
@TypeInfo(EncodedRecordTypeInfoFactory.class)
public class EncodedRecord {

    private String dataType = "";
    private RawRecord raw = new RawRecord();

    /** An empty record, for {@link EncodedRecordSerializer#createInstance()}. */
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
