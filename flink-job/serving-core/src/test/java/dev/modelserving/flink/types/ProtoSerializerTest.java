package dev.modelserving.flink.types;

import dev.modelserving.proto.DataRecord;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's own serializer contract checks (copy, sequences, snapshot + reconfigure, serializability, duplicate). */
class ProtoSerializerTest extends SerializerTestBase<DataRecord> {

    @Override
    protected TypeSerializer<DataRecord> createSerializer() {
        return new ProtoSerializer<>(DataRecord.class);
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<DataRecord> getTypeClass() {
        return DataRecord.class;
    }

    @Override
    protected DataRecord[] getTestData() {
        return new DataRecord[] {
            DataRecord.getDefaultInstance(),
            DataRecord.newBuilder()
                    .setDataType("sensor")
                    .setKey("m-1")
                    .setId("r-1")
                    .setEventTimeMillis(42)
                    .putFeatures("temperature_c", 61.5)
                    .putFeatures("fan_rpm", Double.NaN)
                    .build(),
            DataRecord.newBuilder()
                    .setDataType("image")
                    .setId("r-2")
                    .addVector(0.25f)
                    .addVector(-1f)
                    .addVector(Float.MAX_VALUE)
                    .addVectorShape(3)
                    .build(),
            DataRecord.newBuilder()
                    .setDataType("unicode ✓")
                    .setKey("")
                    .setId("r-3")
                    .build(),
        };
    }
}
