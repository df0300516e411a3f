package dev.modelserving.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.SensorReading;
import dev.modelserving.proto.ValidationSample;
import org.junit.jupiter.api.Test;

class ForeignFieldsTest {

    private static UnknownFieldSet unknown(int number) {
        return UnknownFieldSet.newBuilder()
                .addField(
                        number, UnknownFieldSet.Field.newBuilder().addVarint(7).build())
                .build();
    }

    @Test
    void aDataRecordReadAsASensorReadingHasForeignFields() throws Exception {
        byte[] wine = DataRecord.newBuilder()
                .setDataType("wine")
                .setKey("k")
                .setId("r-1")
                .setEventTimeMillis(5)
                .putFeatures("alcohol", 12.5)
                .build()
                .toByteArray();
        SensorReading confused = SensorReading.parseFrom(wine);
        assertThat(ForeignFields.first(confused)).hasValueSatisfying(foreign -> {
            assertThat(foreign.path()).isEmpty();
            assertThat(foreign.messageType()).isEqualTo("SensorReading");
            assertThat(foreign.describe()).matches("field \\d is not a SensorReading field");
        });
    }

    @Test
    void aGenuineMessageHasNone() throws Exception {
        SensorReading reading =
                SensorReading.newBuilder().setMachineId("m").setTemperatureC(1).build();
        assertThat(ForeignFields.first(SensorReading.parseFrom(reading.toByteArray())))
                .isEmpty();
        DataRecord record = DataRecord.newBuilder()
                .setDataType("t")
                .putFeatures("a", 1)
                .addVector(2f)
                .build();
        assertThat(ForeignFields.first(DataRecord.parseFrom(record.toByteArray())))
                .isEmpty();
    }

    @Test
    void unknownFieldsDeepInARepeatedNestedMessageAreFound() throws Exception {
        DataRecord input = DataRecord.newBuilder()
                .setDataType("t")
                .setUnknownFields(unknown(42))
                .build();
        ModelDescriptor descriptor = ModelDescriptor.newBuilder()
                .setName("m")
                .setDataType("t")
                .addValidationSamples(ValidationSample.newBuilder().addExpectedOutputs(1))
                .addValidationSamples(ValidationSample.newBuilder().setInput(input))
                .setArtifactBytes(ByteString.copyFromUtf8("x"))
                .build();
        ModelDescriptor parsed = ModelDescriptor.parseFrom(descriptor.toByteArray());
        assertThat(ForeignFields.first(parsed))
                .hasValueSatisfying(foreign -> assertThat(foreign.describe())
                        .isEqualTo("field 42 in validation_samples[1].input is not a DataRecord field"));
    }

    @Test
    void unknownFieldsInASingularNestedMessageAreFound() throws Exception {
        ModelDescriptor descriptor = ModelDescriptor.newBuilder()
                .setName("m")
                .setInput(dev.modelserving.proto.InputSpec.newBuilder().setUnknownFields(unknown(99)))
                .build();
        assertThat(ForeignFields.first(ModelDescriptor.parseFrom(descriptor.toByteArray())))
                .hasValueSatisfying(foreign ->
                        assertThat(foreign.describe()).isEqualTo("field 99 in input is not a InputSpec field"));
    }
}
