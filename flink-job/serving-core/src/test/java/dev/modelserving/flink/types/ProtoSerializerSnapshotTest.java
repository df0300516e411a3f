package dev.modelserving.flink.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class ProtoSerializerSnapshotTest {

    private static final DataRecord RECORD = DataRecord.newBuilder()
            .setDataType("sensor")
            .setId("r-1")
            .putFeatures("load_percent", 47.5)
            .build();

    @Test
    void snapshotWrittenToASavepointRestoresASerializerThatReadsTheOldBytes() throws IOException {
        ProtoSerializer<DataRecord> original = new ProtoSerializer<>(DataRecord.class);
        DataOutputSerializer state = new DataOutputSerializer(64);
        original.serialize(RECORD, state);
        DataOutputSerializer snapshotBytes = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(snapshotBytes, original.snapshotConfiguration());

        TypeSerializerSnapshot<DataRecord> restoredSnapshot = TypeSerializerSnapshot.readVersionedSnapshot(
                new DataInputDeserializer(snapshotBytes.getCopyOfBuffer()),
                getClass().getClassLoader());
        TypeSerializer<DataRecord> restored = restoredSnapshot.restoreSerializer();

        assertThat(restoredSnapshot).isInstanceOf(ProtoSerializerSnapshot.class);
        assertThat(((ProtoSerializerSnapshot<DataRecord>) restoredSnapshot).messageClass())
                .isEqualTo(DataRecord.class);
        assertThat(restored).isEqualTo(original);
        assertThat(restored.deserialize(new DataInputDeserializer(state.getCopyOfBuffer())))
                .isEqualTo(RECORD);
        assertThat(new ProtoSerializer<>(DataRecord.class)
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(restoredSnapshot)
                        .isCompatibleAsIs())
                .isTrue();
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aDifferentMessageClassIsIncompatible() {
        TypeSerializerSnapshot oldSnapshot = new ProtoSerializer<>(ModelDescriptor.class).snapshotConfiguration();
        TypeSerializerSnapshot<DataRecord> newSnapshot =
                new ProtoSerializer<>(DataRecord.class).snapshotConfiguration();

        assertThat(newSnapshot.resolveSchemaCompatibility(oldSnapshot).isIncompatible())
                .isTrue();
    }

    @Test
    void snapshotNamingAMissingClassFailsWithTheClassName() throws IOException {
        DataOutputSerializer bytes = new DataOutputSerializer(64);
        bytes.writeUTF("com.example.Gone");

        assertThatThrownBy(() -> new ProtoSerializerSnapshot<DataRecord>()
                        .readSnapshot(
                                1,
                                new DataInputDeserializer(bytes.getCopyOfBuffer()),
                                getClass().getClassLoader()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("com.example.Gone");
    }

    @Test
    void snapshotNamingANonMessageClassIsRefused() throws IOException {
        DataOutputSerializer bytes = new DataOutputSerializer(64);
        bytes.writeUTF(String.class.getName());

        assertThatThrownBy(() -> new ProtoSerializerSnapshot<DataRecord>()
                        .readSnapshot(
                                1,
                                new DataInputDeserializer(bytes.getCopyOfBuffer()),
                                getClass().getClassLoader()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("java.lang.String");
    }

    @Test
    void corruptStateBytesFailWithTheMessageClass() throws IOException {
        DataOutputSerializer state = new DataOutputSerializer(16);
        state.writeInt(3);
        state.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});

        assertThatThrownBy(() -> new ProtoSerializer<>(DataRecord.class)
                        .deserialize(new DataInputDeserializer(state.getCopyOfBuffer())))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(DataRecord.class.getName());
    }
}
