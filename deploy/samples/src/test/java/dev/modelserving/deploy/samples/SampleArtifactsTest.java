package dev.modelserving.deploy.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.modelserving.model.ModelValidator;
import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.dmg.pmml.ResultFeature;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.EvaluatorUtil;
import org.jpmml.evaluator.HasProbability;
import org.jpmml.evaluator.LoadingModelEvaluatorBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/**
 * Each sample artifact evaluated directly by its library (JPMML, TensorFlow, ONNX Runtime), without our factories:
 * on the validation samples it must give the outputs our own forward pass computed, and on all held-out examples the
 * quality figure written in the provenance.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleArtifactsTest {

    private Map<String, ModelDescriptor> descriptors;
    private List<SensorExample> heldOut;

    @BeforeAll
    void trainOnce() {
        descriptors = SampleModels.descriptors().stream()
                .collect(Collectors.toMap(d -> d.getName() + "-v" + d.getVersion(), d -> d));
        heldOut = SampleModels.trainingData().split().heldOut();
    }

    @Test
    void pmmlRegressionEvaluatedByJpmml() throws Exception {
        ModelDescriptor d = descriptors.get("temperature-forecast-v1");
        Evaluator evaluator = jpmml(d);
        Function<double[], double[]> score = x -> new double[] {
            ((Number) EvaluatorUtil.decode(evaluator.evaluate(arguments(x)).get("temperature_next_c"))).doubleValue()
        };

        assertSamplesReproduced(d, score);
        assertThat(rmse(score)).isCloseTo(d.getProvenance().getQualityMetricValue(), within(1e-9));
    }

    @Test
    void pmmlTreeEvaluatedByJpmmlGivesProbabilities() throws Exception {
        ModelDescriptor d = descriptors.get("overheat-tree-v1");
        Evaluator evaluator = jpmml(d);
        Function<double[], double[]> score = x -> {
            HasProbability distribution =
                    (HasProbability) evaluator.evaluate(arguments(x)).get("overheat_soon");
            return new double[] {distribution.getProbability("0"), distribution.getProbability("1")};
        };

        assertSamplesReproduced(d, score);
        assertThat(accuracy(x -> score.apply(x)[1] > 0.5))
                .isEqualTo(d.getProvenance().getQualityMetricValue());
    }

    @Test
    void frozenGraphEvaluatedByTensorflow() throws Exception {
        ModelDescriptor d = descriptors.get("temperature-mlp-graph-v1");
        try (Graph graph = new Graph()) {
            graph.importGraphDef(GraphDef.parseFrom(d.getArtifactBytes().toByteArray()));
            try (Session session = new Session(graph)) {
                Function<float[][], float[][]> run = batch -> {
                    try (TFloat32 input = TFloat32.tensorOf(StdArrays.ndCopyOf(batch));
                            Result result = session.runner()
                                    .feed("input", input)
                                    .fetch("output")
                                    .run()) {
                        return StdArrays.array2dCopyOf((TFloat32) result.get(0));
                    }
                };
                assertTensorRegressor(d, run);
            }
        }
    }

    @Test
    void savedModelEvaluatedByTensorflow(@TempDir Path dir) throws Exception {
        ModelDescriptor d = descriptors.get("temperature-mlp-v1");
        unzip(d.getArtifactBytes().toByteArray(), dir);
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), "serve")) {
            assertThat(bundle.signatures()).extracting(s -> s.key()).contains("serving_default");
            Function<float[][], float[][]> run = batch -> {
                try (TFloat32 input = TFloat32.tensorOf(StdArrays.ndCopyOf(batch));
                        Result result = bundle.function("serving_default").call(Map.of("features", input))) {
                    return StdArrays.array2dCopyOf(
                            (TFloat32) result.get("next_temperature_c").orElseThrow());
                }
            };
            assertTensorRegressor(d, run);
        }
    }

    @Test
    void onnxEvaluatedByOnnxRuntimeWithAnyBatchSize() throws Exception {
        ModelDescriptor d = descriptors.get("overheat-logistic-v1");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(d.getArtifactBytes().toByteArray(), options)) {
            assertThat(session.getInputNames()).containsExactly("features");
            assertThat(session.getOutputNames()).containsExactly("probability");
            Function<float[][], float[][]> run = batch -> {
                try (OnnxTensor input = OnnxTensor.createTensor(env, batch);
                        OrtSession.Result result = session.run(Map.of("features", input))) {
                    return (float[][]) result.get(0).getValue();
                } catch (ai.onnxruntime.OrtException e) {
                    throw new IllegalStateException("ONNX Runtime failed on a batch of " + batch.length, e);
                }
            };
            assertSamplesReproduced(d, x -> {
                double p = run.apply(new float[][] {toFloats(x)})[0][0];
                return new double[] {1 - p, p};
            });
            float[][] all =
                    run.apply(heldOut.stream().map(e -> toFloats(e.features())).toArray(float[][]::new));
            assertThat(all.length).isEqualTo(heldOut.size());
            int[] index = {0};
            double accuracy = accuracy(x -> all[index[0]++][0] > 0.5);
            assertThat(accuracy).isCloseTo(d.getProvenance().getQualityMetricValue(), within(1.5 / heldOut.size()));
        }
    }

    private void assertTensorRegressor(ModelDescriptor d, Function<float[][], float[][]> run) {
        assertSamplesReproduced(d, x -> new double[] {run.apply(new float[][] {toFloats(x)})[0][0]});
        float[][] all =
                run.apply(heldOut.stream().map(e -> toFloats(e.features())).toArray(float[][]::new));
        int[] index = {0};
        assertThat(rmse(x -> new double[] {all[index[0]++][0]}))
                .isCloseTo(d.getProvenance().getQualityMetricValue(), within(1e-4));
    }

    /** What the ModelValidator checks: each sample's expected outputs (from our forward pass) within tolerance. */
    private static void assertSamplesReproduced(ModelDescriptor d, Function<double[], double[]> score) {
        assertThat(d.getValidationSamplesList()).isNotEmpty().allSatisfy(sample -> {
            double[] actual = score.apply(features(sample.getInput()));
            double[] expected = sample.getExpectedOutputsList().stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            assertThat(actual).hasSameSizeAs(expected);
            for (int i = 0; i < expected.length; i++) {
                assertThat(ModelValidator.withinTolerance(expected[i], actual[i], d.getValidationTolerance()))
                        .as("%s output %d: library %s, our forward pass %s", d.getName(), i, actual[i], expected[i])
                        .isTrue();
            }
        });
    }

    private double rmse(Function<double[], double[]> score) {
        double[] predicted =
                heldOut.stream().mapToDouble(e -> score.apply(e.features())[0]).toArray();
        return Metrics.rmse(predicted, SensorDataset.nextTemperatures(heldOut));
    }

    private double accuracy(java.util.function.Predicate<double[]> predictsOverheat) {
        int[] predicted = heldOut.stream()
                .mapToInt(e -> predictsOverheat.test(e.features()) ? 1 : 0)
                .toArray();
        return Metrics.accuracy(predicted, SensorDataset.overheatLabels(heldOut));
    }

    private static Evaluator jpmml(ModelDescriptor d) throws Exception {
        try (InputStream in = new ByteArrayInputStream(d.getArtifactBytes().toByteArray())) {
            Evaluator evaluator = new LoadingModelEvaluatorBuilder()
                    .setExtraResultFeatures(EnumSet.of(ResultFeature.PROBABILITY))
                    .load(in)
                    .build();
            evaluator.verify();
            return evaluator;
        }
    }

    private static Map<String, Object> arguments(double[] x) {
        Map<String, Object> arguments = new HashMap<>();
        for (int i = 0; i < x.length; i++) {
            arguments.put(MachineFeatureRecords.MODEL_FEATURE_NAMES.get(i), x[i]);
        }
        return arguments;
    }

    private static double[] features(DataRecord record) {
        return MachineFeatureRecords.modelInputs(record);
    }

    private static float[] toFloats(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    private static void unzip(byte[] zip, Path dir) throws IOException {
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                Path target = dir.resolve(entry.getName()).normalize();
                assertThat(target.startsWith(dir))
                        .as("zip entry %s stays in the folder", entry.getName())
                        .isTrue();
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                Files.copy(in, target);
            }
        }
    }
}
