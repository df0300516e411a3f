package dev.modelserving.deploy.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import dev.modelserving.model.Checksums;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.sensor.ExceedanceProbability;
import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.ValidationSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SampleModelsTest {

    private List<SampleModel> models;
    private Map<String, SampleModel> byBaseName;
    private SampleTrainingData data;

    @BeforeAll
    void trainOnce() {
        models = SampleModels.build();
        byBaseName = models.stream().collect(Collectors.toMap(SampleModel::baseName, m -> m));
        data = SampleModels.trainingData();
    }

    @Test
    void theSixSampleModelsWithTheirTypes() {
        assertThat(models).extracting(SampleModel::baseName).containsExactlyElementsOf(sampleNames());
        assertThat(models)
                .extracting(m -> m.descriptor().getModelType())
                .containsExactly(
                        ModelType.PMML,
                        ModelType.PMML,
                        ModelType.TENSORFLOW_SAVED_MODEL,
                        ModelType.TENSORFLOW_GRAPH,
                        ModelType.ONNX,
                        ModelType.PMML);
    }

    @Test
    void everyDescriptorIsComplete() {
        assertThat(models).allSatisfy(model -> {
            ModelDescriptor d = model.descriptor();
            assertThat(d.getDataType()).isEqualTo(MachineFeatureRecords.DATA_TYPE);
            assertThat(d.getDescription()).isNotBlank();
            assertThat(d.getArtifactBytes().isEmpty()).isFalse();
            assertThat(d.getArtifactSha256())
                    .isEqualTo(Checksums.sha256Hex(d.getArtifactBytes().toByteArray()))
                    .matches("[0-9a-f]{64}");
            assertThat(d.getInput().getFeatureNamesList())
                    .containsExactlyElementsOf(MachineFeatureRecords.MODEL_FEATURE_NAMES);
            assertThat(d.getProvenance().getTrainingDataId()).startsWith("sensor-generator seed=");
            assertThat(d.getProvenance().getCodeVersion()).isEqualTo(SampleModels.CODE_VERSION);
            assertThat(d.getProvenance().getCreatedAtEpochMillis()).isEqualTo(SampleModels.CREATED_AT.toEpochMilli());
            assertThat(d.getProvenance().getQualityMetricName()).isIn("rmse", "accuracy");
            assertThat(d.getValidationSamplesList())
                    .hasSize(SampleModels.VALIDATION_SAMPLES)
                    .allSatisfy(sample -> {
                        assertThat(sample.getInput().getFeaturesMap())
                                .containsOnlyKeys(MachineFeatureRecords.MODEL_FEATURE_NAMES);
                        assertThat(sample.getExpectedOutputsCount()).isPositive();
                    });
            assertThat(d.getValidationTolerance()).isEqualTo(1e-4);
        });
        assertThat(byBaseName
                        .get("temperature-forecast-v2")
                        .descriptor()
                        .getProvenance()
                        .getTrainingDataId())
                .contains("seed=" + SampleModels.SEED_V2)
                .isNotEqualTo(byBaseName
                        .get("temperature-forecast-v1")
                        .descriptor()
                        .getProvenance()
                        .getTrainingDataId());
    }

    @Test
    void classifierSamplesCoverBothLabelsWithProbabilitiesThatSumToOne() {
        for (String name : List.of("overheat-tree-v1", "overheat-logistic-v1")) {
            List<ValidationSample> samples = byBaseName.get(name).descriptor().getValidationSamplesList();
            assertThat(samples).extracting(ValidationSample::getExpectedLabel).contains("0", "1");
            assertThat(samples).allSatisfy(s -> {
                assertThat(s.getExpectedOutputsList()).hasSize(2);
                assertThat(s.getExpectedOutputs(0) + s.getExpectedOutputs(1)).isCloseTo(1.0, within(1e-12));
                assertThat(s.getExpectedLabel()).isEqualTo(s.getExpectedOutputs(1) > 0.5 ? "1" : "0");
            });
        }
    }

    @Test
    void theJobsDefaultSigmaIsTheForecastsTestRmse() {
        for (String name : List.of("temperature-forecast-v1")) {
            double rmse = byBaseName.get(name).descriptor().getProvenance().getQualityMetricValue();
            assertThat(ExceedanceProbability.DEFAULT_SIGMA_C)
                    .as("--temperature-sigma-c default vs %s test rmse %s", name, rmse)
                    .isCloseTo(rmse, withinPercentage(10));
        }
    }

    @Test
    void regressorsBeatPredictingTheCurrentTemperature() {
        double persistence = Metrics.rmse(
                data.split().heldOut().stream()
                        .mapToDouble(e -> e.reading().getTemperatureC())
                        .toArray(),
                SensorDataset.nextTemperatures(data.split().heldOut()));
        for (String name : List.of("temperature-forecast-v1", "temperature-mlp-v1", "temperature-mlp-graph-v1")) {
            SampleModel model = byBaseName.get(name);
            assertThat(model.baselineValue()).isCloseTo(persistence, within(1e-12));
            assertThat(model.descriptor().getProvenance().getQualityMetricName())
                    .isEqualTo("rmse");
            // on machine-features records the models beat persistence by about 10 % (raw readings: more than 20 %)
            assertThat(model.qualityValue()).as(name + " held-out rmse").isLessThan(persistence);
        }
        SampleModel v2 = byBaseName.get("temperature-forecast-v2");
        assertThat(v2.qualityValue()).isLessThan(v2.baselineValue());
    }

    @Test
    void classifiersBeatTheMajorityClass() {
        long positives = data.split().heldOut().stream()
                .filter(SensorExample::overheatSoon)
                .count();
        double majority = 1.0 - (double) positives / data.split().heldOut().size();
        assertThat(positives).as("held-out examples that do overheat").isGreaterThan(100);
        for (String name : List.of("overheat-tree-v1", "overheat-logistic-v1")) {
            SampleModel model = byBaseName.get(name);
            assertThat(model.baselineValue()).isCloseTo(majority, within(1e-12));
            assertThat(model.descriptor().getProvenance().getQualityMetricName())
                    .isEqualTo("accuracy");
            // at least half of the errors the majority class makes are avoided
            assertThat(model.qualityValue()).as(name + " held-out accuracy").isGreaterThan((1 + majority) / 2);
        }
    }

    @Test
    void pmmlAndOnnxAreByteForByteReproducible() {
        SampleTrainingData again = SampleModels.trainingData();

        assertThat(SampleModels.temperatureForecast(again, 1).descriptor())
                .isEqualTo(byBaseName.get("temperature-forecast-v1").descriptor());
        assertThat(SampleModels.overheatTree(again).descriptor())
                .isEqualTo(byBaseName.get("overheat-tree-v1").descriptor());
        assertThat(SampleModels.overheatLogistic(again).descriptor())
                .isEqualTo(byBaseName.get("overheat-logistic-v1").descriptor());
    }

    @Test
    void tensorflowArtifactsAreReproducibleInTheSameEnvironment() {
        TfMlpTrainer.TrainedMlp again = SampleModels.mlpTrainer()
                .fit(
                        SensorDataset.features(data.split().train()),
                        SensorDataset.nextTemperatures(data.split().train()));

        assertThat(again.savedModelZip())
                .isEqualTo(byBaseName
                        .get("temperature-mlp-v1")
                        .descriptor()
                        .getArtifactBytes()
                        .toByteArray());
        assertThat(TfFrozenGraph.graphDef(again.weights()))
                .isEqualTo(byBaseName
                        .get("temperature-mlp-graph-v1")
                        .descriptor()
                        .getArtifactBytes()
                        .toByteArray());
    }

    @Test
    void writeAllWritesDescriptorsArtifactsAndReadings(@TempDir Path dir) throws IOException {
        List<Path> written = SampleModels.writeAll(dir);

        assertThat(written)
                .extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder(
                        "temperature-forecast-v1.descriptor.pb",
                        "temperature-forecast-v1.pmml",
                        "overheat-tree-v1.descriptor.pb",
                        "overheat-tree-v1.pmml",
                        "temperature-mlp-v1.descriptor.pb",
                        "temperature-mlp-v1.savedmodel.zip",
                        "temperature-mlp-graph-v1.descriptor.pb",
                        "temperature-mlp-graph-v1.pb",
                        "overheat-logistic-v1.descriptor.pb",
                        "overheat-logistic-v1.onnx",
                        "temperature-forecast-v2.descriptor.pb",
                        "temperature-forecast-v2.pmml",
                        "sensor-readings.csv",
                        "machine-features.csv");
        assertThat(written).allSatisfy(p -> assertThat(p.getParent()).isEqualTo(dir));
        for (SampleModel model : models) {
            ModelDescriptor read =
                    ModelDescriptor.parseFrom(Files.readAllBytes(dir.resolve(model.descriptorFileName())));
            assertThat(read.getName()).isEqualTo(model.descriptor().getName());
            assertThat(read.getArtifactSha256()).isEqualTo(model.descriptor().getArtifactSha256());
            assertThat(Checksums.sha256Hex(Files.readAllBytes(dir.resolve(model.artifactFileName()))))
                    .isEqualTo(model.descriptor().getArtifactSha256());
        }
        assertThat(Files.readString(dir.resolve("temperature-forecast-v1.pmml"), StandardCharsets.UTF_8))
                .contains("<RegressionModel")
                .contains("temperature_c");

        List<String> lines = Files.readAllLines(dir.resolve("sensor-readings.csv"));
        assertThat(lines.get(0)).isEqualTo("id,machine_id,timestamp_millis,temperature_c,fan_rpm,load_percent");
        assertThat(lines).hasSize(SampleModels.CSV_ROWS + 1);
        assertThat(lines.get(1)).matches("machine-\\d\\d-\\d+,machine-\\d\\d,\\d+,[0-9.]+,[0-9.]+,[0-9.]+");
        assertThat(lines.subList(1, lines.size()))
                .as("the sample file shows a machine at or above the alert temperature")
                .anyMatch(line -> Double.parseDouble(line.split(",")[3]) >= SensorDataset.DEFAULT_ALERT_TEMPERATURE_C);
    }

    /** The sample models by base name (a fixed list, so the parameterized tests are known before training). */
    static List<String> sampleNames() {
        return List.of(
                "temperature-forecast-v1",
                "overheat-tree-v1",
                "temperature-mlp-v1",
                "temperature-mlp-graph-v1",
                "overheat-logistic-v1",
                "temperature-forecast-v2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleNames")
    void loadsAndValidatesWithTheDiscoveredFactories(String name) throws Exception {
        SampleModel sample = byBaseName.get(name);
        ModelLoader loader =
                ModelLoader.withDiscoveredFactories(LoadPolicy.defaults().withRequireValidationSamples(true));

        try (Model model = loader.load(sample.descriptor())) {
            assertThat(model.id().toString()).contains(sample.descriptor().getName());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleNames")
    void servedModelReachesItsProvenanceQuality(String name) throws Exception {
        SampleModel sample = byBaseName.get(name);
        // each model was measured on the held-out machines of its own training data
        List<SensorExample> heldOut = sample.descriptor().getVersion() == 1
                ? data.split().heldOut()
                : SampleModels.trainingDataV2().split().heldOut();
        boolean rmse =
                sample.descriptor().getProvenance().getQualityMetricName().equals("rmse");
        ModelLoader loader = ModelLoader.withDiscoveredFactories(LoadPolicy.defaults());

        try (Model model = loader.load(sample.descriptor())) {
            double quality = rmse ? servedRmse(model, heldOut) : servedAccuracy(model, heldOut);
            // float32 models differ from our double forward pass in the 6th digit; that may flip a label at p = 0.5
            double tolerance = rmse ? 1e-4 * Math.max(1, sample.qualityValue()) : 1.5 / heldOut.size();
            assertThat(quality).as(name + " served quality").isCloseTo(sample.qualityValue(), within(tolerance));
        }
    }

    @Test
    void aSampleThatTheModelDoesNotReproduceIsRejected() {
        ModelDescriptor original = byBaseName.get("temperature-forecast-v1").descriptor();
        ValidationSample first = original.getValidationSamples(0);
        ModelDescriptor tampered = original.toBuilder()
                .setValidationSamples(0, first.toBuilder().setExpectedOutputs(0, first.getExpectedOutputs(0) + 0.5))
                .build();
        ModelLoader loader = ModelLoader.withDiscoveredFactories(LoadPolicy.defaults());

        assertThatThrownBy(() -> loader.load(tampered))
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.VALIDATION_FAILED))
                .hasMessageContaining("validation sample 0");
    }

    private static double servedRmse(Model model, List<SensorExample> examples) throws Exception {
        double[] predicted = new double[examples.size()];
        for (int i = 0; i < predicted.length; i++) {
            predicted[i] = model.score(examples.get(i).record()).outputs()[0];
        }
        return Metrics.rmse(predicted, SensorDataset.nextTemperatures(examples));
    }

    private static double servedAccuracy(Model model, List<SensorExample> examples) throws Exception {
        int[] predicted = new int[examples.size()];
        for (int i = 0; i < predicted.length; i++) {
            Prediction prediction = model.score(examples.get(i).record());
            predicted[i] = Integer.parseInt(prediction.label());
        }
        return Metrics.accuracy(predicted, SensorDataset.overheatLabels(examples));
    }
}
