package dev.modelserving.job.it;

import com.google.protobuf.ByteString;
import dev.modelserving.model.tensorflow.TfTestModels;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.ValidationSample;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Two versions of one real regression model over the features {@link #FEATURES}, with validation samples, and their
 * outputs computed independently in plain Java:
 * <ul>
 *   <li>version 1: the multilayer perceptron of {@link TfTestModels} as a frozen TensorFlow graph, its regression
 *       head {@code score} (run by TensorFlow, float precision);</li>
 *   <li>version 2: a PMML RegressionModel written here,
 *       {@code y = 2 - 0.5 temperature_c + 1.25 fan_rpm + 3 load_percent} (run by JPMML);</li>
 * </ul>
 * and a corrupt "version" of random bytes. (The ONNX fixtures cannot be used here: their graph-writing library,
 * tribuo-util-onnx, is a test dependency of model-factories only.)
 */
public final class RegressionModels {

    /** The model's name, the same for every version. */
    static final String NAME = "regressor";
    /** Record features, in model input order. */
    static final List<String> FEATURES = TfTestModels.FEATURE_NAMES;
    /** Validation inputs (float-representable, like every feature value the tests send). */
    static final List<double[]> SAMPLE_INPUTS = List.of(
            new double[] {0.5, -1.0, 2.0},
            new double[] {1.5, 0.25, -0.75},
            new double[] {-2.0, 1.0, 0.375},
            new double[] {0.0, 0.0, 0.0},
            new double[] {3.0, -2.5, 1.25});

    /** Version 1's artifact: built once, so every use has the same bytes (and sha256). */
    private static final ByteString V1_GRAPH = ByteString.copyFrom(TfTestModels.frozenGraph());

    static final double V2_INTERCEPT = 2.0;
    static final double[] V2_COEFFICIENTS = {-0.5, 1.25, 3.0};

    /** Version 2 as a PMML document; the field names are the record's feature names. */
    public static final String V2_PMML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header description="integration-test regression, version 2"/>
              <DataDictionary numberOfFields="4">
                <DataField name="temperature_c" optype="continuous" dataType="double"/>
                <DataField name="fan_rpm" optype="continuous" dataType="double"/>
                <DataField name="load_percent" optype="continuous" dataType="double"/>
                <DataField name="y" optype="continuous" dataType="double"/>
              </DataDictionary>
              <RegressionModel functionName="regression" algorithmName="least squares">
                <MiningSchema>
                  <MiningField name="y" usageType="target"/>
                  <MiningField name="temperature_c"/>
                  <MiningField name="fan_rpm"/>
                  <MiningField name="load_percent"/>
                </MiningSchema>
                <RegressionTable intercept="2.0">
                  <NumericPredictor name="temperature_c" coefficient="-0.5"/>
                  <NumericPredictor name="fan_rpm" coefficient="1.25"/>
                  <NumericPredictor name="load_percent" coefficient="3.0"/>
                </RegressionTable>
              </RegressionModel>
            </PMML>
            """;

    private RegressionModels() {}

    /** Version 1 (TensorFlow graph) for {@code dataType}, with validation samples from the plain-Java pass. */
    static ModelDescriptor v1(String dataType) {
        return withSamples(
                1,
                ModelDescriptor.newBuilder()
                        .setName(NAME)
                        .setVersion(1)
                        .setDataType(dataType)
                        .setModelType(ModelType.TENSORFLOW_GRAPH)
                        .setArtifactBytes(V1_GRAPH)
                        .setInput(InputSpec.newBuilder()
                                .addAllFeatureNames(FEATURES)
                                .setTensorName(TfTestModels.INPUT))
                        .setOutput(OutputSpec.newBuilder()
                                .addTensorNames(TfTestModels.SCORE)
                                .setKind(OutputKind.REGRESSION)));
    }

    /** Version 2 (PMML) for {@code dataType}, with validation samples from the plain-Java formula. */
    static ModelDescriptor v2(String dataType) {
        return withSamples(
                2,
                ModelDescriptor.newBuilder()
                        .setName(NAME)
                        .setVersion(2)
                        .setDataType(dataType)
                        .setModelType(ModelType.PMML)
                        .setArtifactBytes(ByteString.copyFrom(artifact(2)))
                        .setInput(InputSpec.newBuilder().addAllFeatureNames(FEATURES))
                        .setOutput(OutputSpec.newBuilder()
                                .setKind(OutputKind.REGRESSION)
                                .setTargetField("y")));
    }

    private static ModelDescriptor withSamples(long version, ModelDescriptor.Builder descriptor) {
        for (double[] x : SAMPLE_INPUTS) {
            DataRecord.Builder input = DataRecord.newBuilder()
                    .setDataType(descriptor.getDataType())
                    .setId("sample");
            for (int i = 0; i < x.length; i++) {
                input.putFeatures(FEATURES.get(i), x[i]);
            }
            descriptor.addValidationSamples(
                    ValidationSample.newBuilder().setInput(input).addExpectedOutputs(expected(version, x)));
        }
        return descriptor.build();
    }

    /** A descriptor of the right name and data type whose PMML artifact is random bytes. */
    static ModelDescriptor corrupt(String dataType, long version, long seed) {
        byte[] garbage = new byte[2048];
        new Random(seed).nextBytes(garbage);
        return ModelDescriptor.newBuilder()
                .setName(NAME)
                .setVersion(version)
                .setDataType(dataType)
                .setModelType(ModelType.PMML)
                .setArtifactBytes(ByteString.copyFrom(garbage))
                .setInput(InputSpec.newBuilder().addAllFeatureNames(FEATURES))
                .setOutput(OutputSpec.newBuilder().setKind(OutputKind.REGRESSION))
                .build();
    }

    /** The artifact bytes of a version (1 or 2). */
    static byte[] artifact(long version) {
        return switch ((int) version) {
            case 1 -> V1_GRAPH.toByteArray();
            case 2 -> V2_PMML.getBytes(StandardCharsets.UTF_8);
            default -> throw new IllegalArgumentException("no version " + version);
        };
    }

    /** SHA-256 (lower-case hex) of a version's artifact, computed here, not by the code under test. */
    static String sha256(long version) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(artifact(version)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** What a version outputs for feature values x, in {@link #FEATURES} order. */
    static double expected(long version, double[] x) {
        return switch ((int) version) {
            case 1 -> TfTestModels.score(x);
            case 2 -> V2_INTERCEPT + V2_COEFFICIENTS[0] * x[0] + V2_COEFFICIENTS[1] * x[1] + V2_COEFFICIENTS[2] * x[2];
            default -> throw new IllegalArgumentException("no version " + version);
        };
    }

    /** What a version outputs for a record's features {@link #FEATURES}. */
    public static double expected(long version, DataRecord record) {
        double[] x = new double[FEATURES.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = record.getFeaturesOrThrow(FEATURES.get(i));
        }
        return expected(version, x);
    }

    /** Tolerance of the comparison: version 1 computes in float. */
    static double tolerance(double expected) {
        return 1e-5 * Math.max(1.0, Math.abs(expected));
    }
}
