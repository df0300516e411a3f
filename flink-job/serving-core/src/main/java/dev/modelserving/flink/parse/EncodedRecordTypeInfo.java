package dev.modelserving.flink.parse;

import dev.modelserving.flink.types.OpaqueTypeInfo;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information of {@link EncodedRecord}: serialized by {@link EncodedRecordSerializer} instead of Flink's
 * {@code PojoSerializer}. {@code TypeInformation.of(EncodedRecord.class)} returns it (through
 * {@link EncodedRecordTypeInfoFactory}, named by the class's {@code @TypeInfo}), so no call site names it.
 *
 * <p>An atomic type: it is not a Flink key type and has no field expressions; key EncodedRecords with a key selector
 * ({@code EncodedRecord::getDataType}).
 */
public final class EncodedRecordTypeInfo extends OpaqueTypeInfo<EncodedRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public Class<EncodedRecord> getTypeClass() {
        return EncodedRecord.class;
    }

    @Override
    public TypeSerializer<EncodedRecord> createSerializer(SerializerConfig config) {
        return new EncodedRecordSerializer();
    }

    @Override
    public String toString() {
        return "EncodedRecord";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedRecordTypeInfo other && other.canEqual(this);
    }

    @Override
    public int hashCode() {
        return EncodedRecordTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof EncodedRecordTypeInfo;
    }
}
