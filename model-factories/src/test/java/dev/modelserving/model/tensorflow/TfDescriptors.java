package dev.modelserving.model.tensorflow;

import com.google.protobuf.ByteString;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Descriptors and records for the {@link TfTestModels} network. */
public final class TfDescriptors {

    private TfDescriptors() {}

    /** A descriptor skeleton with the MLP's named features as input. */
    public static ModelDescriptor.Builder descriptor(ModelType type, byte[] artifact) {
        return ModelDescriptor.newBuilder()
                .setName("mlp")
                .setVersion(1)
                .setDataType("sensor")
                .setModelType(type)
                .setArtifactBytes(ByteString.copyFrom(artifact))
                .setInput(InputSpec.newBuilder().addAllFeatureNames(TfTestModels.FEATURE_NAMES));
    }

    /** A classifier output spec: the probabilities with the class names as labels. */
    public static OutputSpec.Builder classifier(String probabilitiesTensor) {
        return OutputSpec.newBuilder()
                .addTensorNames(probabilitiesTensor)
                .setKind(OutputKind.CLASSIFICATION)
                .addAllLabels(TfTestModels.CLASS_NAMES);
    }

    /** A regression output spec. */
    public static OutputSpec.Builder regressor(String scoreTensor) {
        return OutputSpec.newBuilder().addTensorNames(scoreTensor).setKind(OutputKind.REGRESSION);
    }

    /** A record with the three named features. */
    public static DataRecord record(double[] x) {
        DataRecord.Builder record =
                DataRecord.newBuilder().setDataType("sensor").setId("r");
        for (int i = 0; i < x.length; i++) {
            record.putFeatures(TfTestModels.FEATURE_NAMES.get(i), x[i]);
        }
        return record.build();
    }

    /** A record with the values as the packed vector. */
    public static DataRecord vectorRecord(double[] x) {
        DataRecord.Builder record =
                DataRecord.newBuilder().setDataType("sensor").setId("v");
        for (double v : x) {
            record.addVector((float) v);
        }
        return record.build();
    }

    /**
     * Inputs spread so that both classes and both signs of every hidden unit occur; values are floats (the
     * model's precision) stored as doubles.
     */
    public static List<double[]> inputs(int count, long seed) {
        Random random = new Random(seed);
        List<double[]> inputs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inputs.add(new double[] {
                (float) (random.nextGaussian() * 2),
                (float) (random.nextGaussian() * 2),
                (float) (random.nextGaussian() * 2)
            });
        }
        return inputs;
    }
}
