package dev.modelserving.model;

import com.google.protobuf.ByteString;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.ValidationSample;
import java.nio.charset.StandardCharsets;

/** Descriptors of the test-only CONSTANT model type. */
public final class TestDescriptors {

    private TestDescriptors() {}

    public static ModelDescriptor.Builder constant(String value) {
        return ModelDescriptor.newBuilder()
                .setName("constant")
                .setVersion(1)
                .setDataType("test")
                .setModelType(ModelType.CUSTOM)
                .setCustomType(ConstantModelFactory.TYPE)
                .setArtifactBytes(ByteString.copyFrom(value, StandardCharsets.UTF_8));
    }

    public static DataRecord record(double... features) {
        DataRecord.Builder record = DataRecord.newBuilder().setDataType("test").setId("r");
        for (int i = 0; i < features.length; i++) {
            record.putFeatures("f" + i, features[i]);
        }
        return record.build();
    }

    public static ValidationSample sample(double expected, double... features) {
        return ValidationSample.newBuilder().setInput(record(features)).addExpectedOutputs(expected).build();
    }
}
