package dev.modelserving.flink.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.junit.jupiter.api.Test;

class ProtoTypeInfoTest {

    @Test
    void createsTheProtoSerializerInsteadOfFlinksGenericKryoFallback() {
        TypeInformation<DataRecord> info = ProtoTypeInfo.of(DataRecord.class);

        assertThat(TypeInformation.of(DataRecord.class)).isInstanceOf(GenericTypeInfo.class); // what we avoid
        assertThat(info).isInstanceOf(ProtoTypeInfo.class);
        assertThat(info.getTypeClass()).isEqualTo(DataRecord.class);
        assertThat(info.createSerializer(new SerializerConfigImpl()))
                .isEqualTo(new ProtoSerializer<>(DataRecord.class));
    }

    @Test
    void equalityFollowsTheMessageClass() {
        assertThat(ProtoTypeInfo.of(DataRecord.class))
                .isEqualTo(ProtoTypeInfo.of(DataRecord.class))
                .hasSameHashCodeAs(ProtoTypeInfo.of(DataRecord.class))
                .isNotEqualTo(ProtoTypeInfo.of(ModelDescriptor.class));
    }

    @Test
    void refusesClassesThatAreNotProtobufMessages() {
        assertThatThrownBy(() -> ProtoTypeInfo.of(String.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.String");
    }
}
