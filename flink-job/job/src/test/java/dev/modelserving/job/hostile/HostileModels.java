package dev.modelserving.job.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import dev.modelserving.job.it.RegressionModels;
import dev.modelserving.model.tensorflow.TfTestModels;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.proto.ValidationSample;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.tensorflow.types.TFloat32;

/**
 * The good models the hostile input must not disturb, and what they answer, computed here in plain Java:
 * <ul>
 *   <li>{@link #regression}: the PMML RegressionModel of {@link RegressionModels} (its version 2,
 *       {@code y = 2 - 0.5 temperature_c + 1.25 fan_rpm + 3 load_percent}, run by JPMML) under another name and
 *       version, with validation samples;</li>
 *   <li>{@link #dynamicShapeGraph}: the multilayer perceptron of {@link TfTestModels} as a frozen TensorFlow graph
 *       whose input placeholder has an unknown rank (every dimension dynamic), fed from the record's packed vector,
 *       its regression head {@code score}.</li>
 * </ul>
 */
final class HostileModels {

    /** Name of the good model. */
    static final String NAME = "steady";
    /** Its version. */
    static final long VERSION = 7;
    /** Record features, in model input order. */
    static final List<String> FEATURES = TfTestModels.FEATURE_NAMES;

    private HostileModels() {}

    /** The good PMML regression for {@code dataType}, version {@link #VERSION}, with validation samples. */
    static ModelDescriptor regression(String dataType) {
        ModelDescriptor.Builder descriptor = ModelDescriptor.newBuilder()
                .setName(NAME)
                .setVersion(VERSION)
                .setDataType(dataType)
                .setModelType(ModelType.PMML)
                .setArtifactBytes(ByteString.copyFrom(RegressionModels.V2_PMML, StandardCharsets.UTF_8))
                .setInput(InputSpec.newBuilder().addAllFeatureNames(FEATURES))
                .setOutput(
                        OutputSpec.newBuilder().setKind(OutputKind.REGRESSION).setTargetField("y"));
        Random random = new Random(5);
        for (int i = 0; i < 4; i++) {
            DataRecord input = record(dataType, "sample-" + i, features(random));
            descriptor.addValidationSamples(
                    ValidationSample.newBuilder().setInput(input).addExpectedOutputs(regressionOutput(input)));
        }
        return descriptor.build();
    }

    /** What {@link #regression} answers for a record's features. */
    static double regressionOutput(DataRecord record) {
        return RegressionModels.expected(2, record);
    }

    /**
     * The TensorFlow MLP for {@code dataType} with an input of unknown rank: no feature names and no declared shape,
     * so a record's packed vector and its {@code vector_shape} go to the graph as they are.
     */
    static ModelDescriptor dynamicShapeGraph(String dataType) {
        ModelDescriptor.Builder descriptor = ModelDescriptor.newBuilder()
                .setName("dynamic-mlp")
                .setVersion(1)
                .setDataType(dataType)
                .setModelType(ModelType.TENSORFLOW_GRAPH)
                .setArtifactBytes(ByteString.copyFrom(TfTestModels.frozenGraph(TFloat32.class, null)))
                .setInput(InputSpec.newBuilder().setTensorName(TfTestModels.INPUT))
                .setOutput(OutputSpec.newBuilder()
                        .addTensorNames(TfTestModels.SCORE)
                        .setKind(OutputKind.REGRESSION));
        Random random = new Random(6);
        for (int i = 0; i < 3; i++) {
            DataRecord input = vectorRecord(dataType, "sample-" + i, features(random));
            descriptor.addValidationSamples(ValidationSample.newBuilder()
                    .setInput(input)
                    .addExpectedOutputs(TfTestModels.score(vector(input))));
        }
        return descriptor.build();
    }

    /** A record with the three features (float values: the TF model's precision). */
    static DataRecord record(String dataType, String id, double[] x) {
        DataRecord.Builder record =
                DataRecord.newBuilder().setDataType(dataType).setId(id).setKey("machine-1");
        for (int i = 0; i < x.length; i++) {
            record.putFeatures(FEATURES.get(i), x[i]);
        }
        return record.build();
    }

    /** A record with the three values as its packed vector, shape [3]. */
    static DataRecord vectorRecord(String dataType, String id, double[] x) {
        DataRecord.Builder record =
                DataRecord.newBuilder().setDataType(dataType).setId(id).setKey("machine-1");
        for (double v : x) {
            record.addVector((float) v);
        }
        return record.addVectorShape(x.length).build();
    }

    /** Three float-representable feature values in [-3, 3). */
    static double[] features(Random random) {
        double[] x = new double[FEATURES.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (-3.0 + 6.0 * random.nextDouble());
        }
        return x;
    }

    private static double[] vector(DataRecord record) {
        double[] x = new double[record.getVectorCount()];
        for (int i = 0; i < x.length; i++) {
            x[i] = record.getVector(i);
        }
        return x;
    }

    /** Asserts that {@code result} is {@code record} SCORED by the good regression, with its output. */
    static void assertScoredByRegression(ServingResult result, DataRecord record) {
        assertThat(result.getStatus())
                .as("status of %s (error: %s)", record.getId(), result.getError())
                .isEqualTo(ServingStatus.SCORED);
        assertThat(result.getModelName()).as("model of %s", record.getId()).isEqualTo(NAME);
        assertThat(result.getModelVersion()).as("version of %s", record.getId()).isEqualTo(VERSION);
        double expected = regressionOutput(record);
        assertThat(result.getOutputsList()).as("outputs of %s", record.getId()).hasSize(1);
        assertThat(result.getOutputs(0))
                .as("output of %s", record.getId())
                .isCloseTo(expected, within(1e-9 * Math.max(1.0, Math.abs(expected))));
    }

    /** Asserts that {@code result} is {@code record} SCORED by the dynamic-shape TF graph, with its output. */
    static void assertScoredByGraph(ServingResult result, DataRecord record) {
        assertThat(result.getStatus())
                .as("status of %s (error: %s)", record.getId(), result.getError())
                .isEqualTo(ServingStatus.SCORED);
        assertThat(result.getModelName()).isEqualTo("dynamic-mlp");
        double expected = TfTestModels.score(vector(record));
        assertThat(result.getOutputs(0))
                .as("output of %s", record.getId())
                .isCloseTo(expected, within(1e-5 * Math.max(1.0, Math.abs(expected))));
    }
}
