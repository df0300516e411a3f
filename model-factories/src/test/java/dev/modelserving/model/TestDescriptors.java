package dev.modelserving.model;

import com.google.protobuf.ByteString;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.ValidationSample;
import java.nio.charset.StandardCharsets;

/** Descriptors of the test-only custom model types (CONSTANT and the others registered in test resources). */
public final class TestDescriptors {

    private TestDescriptors() {}

    public static ModelDescriptor.Builder constant(String value) {
        return custom(ConstantModelFactory.TYPE, "test", "constant", 1, value);
    }

    /** A descriptor of the test-only custom model type {@code type} whose artifact is {@code artifactText}. */
    public static ModelDescriptor.Builder custom(
            String type, String dataType, String name, long version, String artifactText) {
        return ModelDescriptor.newBuilder()
                .setName(name)
                .setVersion(version)
                .setDataType(dataType)
                .setModelType(ModelType.CUSTOM)
                .setCustomType(type)
                .setArtifactBytes(ByteString.copyFrom(artifactText, StandardCharsets.UTF_8));
    }

    /**
     * A ROLLBACK (to {@code target}) or REMOVE command for the model {@code name} of data type "test", taking
     * {@code version} (every command takes the next version number of its model name).
     */
    public static ModelDescriptor command(String name, ModelAction action, long target, long version) {
        return ModelDescriptor.newBuilder()
                .setName(name)
                .setDataType("test")
                .setAction(action)
                .setRollbackToVersion(target)
                .setVersion(version)
                .build();
    }

    public static DataRecord record(double... features) {
        DataRecord.Builder record = DataRecord.newBuilder().setDataType("test").setId("r");
        for (int i = 0; i < features.length; i++) {
            record.putFeatures("f" + i, features[i]);
        }
        return record.build();
    }

    public static ValidationSample sample(double expected, double... features) {
        return ValidationSample.newBuilder()
                .setInput(record(features))
                .addExpectedOutputs(expected)
                .build();
    }
}
