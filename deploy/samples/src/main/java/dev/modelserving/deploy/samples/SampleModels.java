package dev.modelserving.deploy.samples;

import com.google.protobuf.ByteString;
import dev.modelserving.model.Checksums;
import dev.modelserving.model.drift.TrainingStatisticsBuilder;
import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.Provenance;
import dev.modelserving.proto.SensorReading;
import dev.modelserving.proto.TrainingStatistics;
import dev.modelserving.proto.ValidationSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

/**
 * The project's own sample models, trained by our own code on data from our own {@link SensorGenerator} with fixed
 * seeds, each with a complete {@link ModelDescriptor}:
 * <ul>
 *   <li>{@value #TEMPERATURE_FORECAST} v1 and v2 (PMML RegressionModel, ordinary least squares): next temperature;
 *       v2 is trained on more data from another seed (for the live-swap demo);
 *   <li>{@value #OVERHEAT_TREE} (PMML TreeModel, CART depth &lt;= 4): will the temperature reach 85 °C within the
 *       next 10 readings, labels "0"/"1" with probabilities;
 *   <li>{@value #TEMPERATURE_MLP} (TensorFlow SavedModel, zipped) and {@value #TEMPERATURE_MLP_GRAPH} (the same
 *       trained weights as a frozen TensorFlow graph): an MLP fitted in TensorFlow Java predicting the next
 *       temperature;
 *   <li>{@value #OVERHEAT_LOGISTIC} (ONNX, Gemm + Sigmoid): logistic regression for the same alert.
 * </ul>
 * Every descriptor carries its artifact inline with its sha256, its input/output spec, provenance (training data id,
 * code version, a fixed created_at, a quality metric on held-out machines) and {@value #VALIDATION_SAMPLES}
 * validation samples whose expected outputs come from our own forward pass of the trained parameters (regression
 * formula, tree walk, MLP in plain Java, logistic formula), never from the evaluating library.
 *
 * <p>Reproducibility: the PMML and ONNX bytes (and their descriptors) are identical for every run. The TensorFlow
 * artifacts are identical from run to run on the same machine (single-threaded training); on a CPU with another
 * instruction set TensorFlow's kernels may round differently, so their bytes are not guaranteed to match there (see
 * {@link TfMlpTrainer}).
 *
 * <p>Training everything takes a few seconds (TensorFlow's native library loads on first use).
 */
public final class SampleModels {

    /** Seed of the v1 training data and of every model's initial weights. */
    public static final long SEED = 42;
    /** Seed of the v2 regression's training data. */
    public static final long SEED_V2 = 7;
    /** Machines simulated for v1 training data. */
    public static final int MACHINES = 10;
    /** Machines simulated for the v2 regression's training data. */
    public static final int MACHINES_V2 = 20;
    /** Readings per machine in training data. */
    public static final int READINGS_PER_MACHINE = 3000;
    /** Version of the training code, written to provenance and to the artifacts' producer fields. */
    public static final String CODE_VERSION = "modelserving-samples/0.1.0";
    /** Fixed creation time, so that descriptors are reproducible. */
    public static final Instant CREATED_AT = Instant.parse("2026-01-01T00:00:00Z");
    /** Validation samples per descriptor. */
    public static final int VALIDATION_SAMPLES = 5;
    /** Tolerance written to every descriptor (float32 models). */
    public static final double VALIDATION_TOLERANCE = 1e-4;
    /** Rows in {@value #READINGS_CSV}. */
    public static final int CSV_ROWS = 300;
    /** File name of the sample readings. */
    public static final String READINGS_CSV = "sensor-readings.csv";
    /** The machine-feature records the models take (as the job's feature node makes them), for {@code score}. */
    public static final String FEATURES_CSV = "machine-features.csv";

    /** Model name: PMML linear regression of the next temperature (versions 1 and 2). */
    public static final String TEMPERATURE_FORECAST = "temperature-forecast";
    /** Model name: PMML decision tree for "reaches the alert temperature soon". */
    public static final String OVERHEAT_TREE = "overheat-tree";
    /** Model name: TensorFlow SavedModel MLP of the next temperature. */
    public static final String TEMPERATURE_MLP = "temperature-mlp";
    /** Model name: the same MLP as a frozen TensorFlow graph. */
    public static final String TEMPERATURE_MLP_GRAPH = "temperature-mlp-graph";
    /** Model name: ONNX logistic regression for "reaches the alert temperature soon". */
    public static final String OVERHEAT_LOGISTIC = "overheat-logistic";

    /** PMML target of the regressions. */
    public static final String NEXT_TEMPERATURE_FIELD = "temperature_next_c";
    /** PMML target of the tree. */
    public static final String OVERHEAT_FIELD = "overheat_soon";
    /** Class labels of the classifiers: "0" stays below the alert temperature, "1" reaches it. */
    public static final List<String> LABELS = List.of("0", "1");

    private static final int TREE_DEPTH = 4;
    private static final int TREE_MIN_LEAF = 20;
    private static final int MLP_HIDDEN = 8;
    private static final int MLP_STEPS = 1500;
    private static final float MLP_LEARNING_RATE = 0.2f;

    /**
     * PSI threshold of the sample models' drift monitoring. The generated readings are autocorrelated random walks,
     * so a window of 1000 readings of 10 machines (100 s each) varies a lot around the training distribution (PSI up
     * to about 1.5 on temperature): the samples state a threshold above that natural variation.
     */
    public static final double DRIFT_THRESHOLD = 3.0;
    /** The demo's drifted regime: reported temperature offset (°C) of every drifted machine. */
    public static final double DRIFT_REGIME_TEMPERATURE_C = 40;
    /** The demo's drifted regime: reported load offset (%) of every drifted machine. */
    public static final double DRIFT_REGIME_LOAD_PERCENT = 60;

    private SampleModels() {}

    /** The v1 training data (seed {@value #SEED}). */
    public static SampleTrainingData trainingData() {
        return SampleTrainingData.generate(GeneratorSettings.of(SEED, MACHINES), READINGS_PER_MACHINE);
    }

    /** The v2 regression's training data (seed {@value #SEED_V2}, more machines). */
    public static SampleTrainingData trainingDataV2() {
        return SampleTrainingData.generate(GeneratorSettings.of(SEED_V2, MACHINES_V2), READINGS_PER_MACHINE);
    }

    /** The trainer of the sample MLP. */
    static TfMlpTrainer mlpTrainer() {
        return new TfMlpTrainer(MLP_HIDDEN, MLP_STEPS, MLP_LEARNING_RATE, SEED);
    }

    /** Trains every sample model. */
    public static List<SampleModel> build() {
        SampleTrainingData v1 = trainingData();
        TfMlpTrainer.TrainedMlp mlp = mlpTrainer()
                .fit(
                        SensorDataset.features(v1.split().train()),
                        SensorDataset.nextTemperatures(v1.split().train()));
        return List.of(
                temperatureForecast(v1, 1),
                overheatTree(v1),
                temperatureMlp(v1, mlp.weights(), mlp.savedModelZip()),
                temperatureMlpGraph(v1, mlp.weights()),
                overheatLogistic(v1),
                temperatureForecast(trainingDataV2(), 2));
    }

    /** The descriptors of {@link #build()}. */
    public static List<ModelDescriptor> descriptors() {
        return build().stream().map(SampleModel::descriptor).toList();
    }

    /**
     * Trains every sample model and writes, into {@code dir} (created if missing): per model
     * {@code <name>-v<version>.descriptor.pb} (binary ModelDescriptor) and the raw artifact, plus
     * {@value #READINGS_CSV} (raw readings) and {@value #FEATURES_CSV} (the models' input records).
     *
     * @return the written files
     */
    public static List<Path> writeAll(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (SampleModel model : build()) {
            Path descriptorFile = dir.resolve(model.descriptorFileName());
            Files.write(descriptorFile, DeterministicBytes.of(model.descriptor()));
            written.add(descriptorFile);
            Path artifactFile = dir.resolve(model.artifactFileName());
            Files.write(artifactFile, model.descriptor().getArtifactBytes().toByteArray());
            written.add(artifactFile);
        }
        Path csv = dir.resolve(READINGS_CSV);
        SampleTrainingData data = trainingData();
        SensorCsv.write(csvReadings(data), csv);
        written.add(csv);
        Path features = dir.resolve(FEATURES_CSV);
        List<SensorExample> heldOut = data.split().heldOut();
        FeatureCsv.write(
                heldOut.subList(0, Math.min(CSV_ROWS, heldOut.size())).stream()
                        .map(SensorExample::record)
                        .toList(),
                features);
        written.add(features);
        return written;
    }

    /**
     * {@value #CSV_ROWS} consecutive readings (all machines, in time order) around the first reading at or above the
     * alert temperature, so the file shows a machine heating up.
     */
    public static List<SensorReading> csvReadings(SampleTrainingData data) {
        List<SensorReading> readings = data.readings();
        int machines = data.settings().machines();
        int firstHot = 0;
        while (firstHot < readings.size()
                && readings.get(firstHot).getTemperatureC() < SensorDataset.DEFAULT_ALERT_TEMPERATURE_C) {
            firstHot++;
        }
        int ticks = CSV_ROWS / machines;
        int startTick = Math.max(0, Math.min(firstHot / machines - ticks / 2, readings.size() / machines - ticks));
        return List.copyOf(readings.subList(startTick * machines, startTick * machines + ticks * machines));
    }

    static SampleModel temperatureForecast(SampleTrainingData data, int version) {
        List<SensorExample> train = data.split().train();
        LinearModel model =
                OrdinaryLeastSquares.fit(SensorDataset.features(train), SensorDataset.nextTemperatures(train));
        String description =
                "Next temperature (°C) of a machine from its machine-features record (current temperature and the "
                        + "whitened 10-minute window features): "
                        + "linear regression (ordinary least squares).";
        byte[] pmml = PmmlDocuments.toBytes(PmmlDocuments.regression(
                model, MachineFeatureRecords.MODEL_FEATURE_NAMES, NEXT_TEMPERATURE_FIELD, description));
        List<SensorExample> heldOut = data.split().heldOut();
        double rmse = rmse(heldOut, e -> model.predict(e.features()));
        double persistence = rmse(heldOut, e -> e.reading().getTemperatureC());
        ModelDescriptor.Builder descriptor = base(
                        TEMPERATURE_FORECAST, version, ModelType.PMML, description, pmml, data, "rmse", rmse)
                .setInput(InputSpec.newBuilder().addAllFeatureNames(MachineFeatureRecords.MODEL_FEATURE_NAMES))
                .setOutput(
                        OutputSpec.newBuilder().setKind(OutputKind.REGRESSION).setTargetField(NEXT_TEMPERATURE_FIELD));
        for (SensorExample e : spaced(heldOut, VALIDATION_SAMPLES)) {
            descriptor.addValidationSamples(regressionSample(e, model.predict(e.features())));
        }
        descriptor.setTrainingStatistics(statistics(data, model::predict, x -> null));
        return new SampleModel(descriptor.build(), ".pmml", persistence);
    }

    static SampleModel overheatTree(SampleTrainingData data) {
        List<SensorExample> train = data.split().train();
        TreeNode tree = new CartTrainer(TREE_DEPTH, TREE_MIN_LEAF)
                .fit(SensorDataset.features(train), SensorDataset.overheatLabels(train));
        String description = "Will the machine reach " + data.dataset().alertTemperatureC() + " °C within its next "
                + data.dataset().horizon() + " readings? CART decision tree (Gini, depth <= " + TREE_DEPTH
                + "); label \"1\" = yes, with class probabilities.";
        byte[] pmml = PmmlDocuments.toBytes(PmmlDocuments.tree(
                tree, MachineFeatureRecords.MODEL_FEATURE_NAMES, OVERHEAT_FIELD, LABELS, description));
        List<SensorExample> heldOut = data.split().heldOut();
        double accuracy =
                accuracy(heldOut, e -> "1".equals(tree.leafFor(e.features()).label()));
        ModelDescriptor.Builder descriptor = base(
                        OVERHEAT_TREE, 1, ModelType.PMML, description, pmml, data, "accuracy", accuracy)
                .setInput(InputSpec.newBuilder().addAllFeatureNames(MachineFeatureRecords.MODEL_FEATURE_NAMES))
                .setOutput(OutputSpec.newBuilder()
                        .setKind(OutputKind.CLASSIFICATION)
                        .addAllLabels(LABELS)
                        .setTargetField(OVERHEAT_FIELD));
        for (SensorExample e : classifierSamples(heldOut, x -> tree.leafFor(x).positiveProbability(), 0.0)) {
            double p = tree.leafFor(e.features()).positiveProbability();
            descriptor.addValidationSamples(
                    classificationSample(e, p, tree.leafFor(e.features()).label()));
        }
        descriptor.setTrainingStatistics(statistics(
                data,
                x -> 1.0 - tree.leafFor(x).positiveProbability(),
                x -> tree.leafFor(x).label()));
        return new SampleModel(descriptor.build(), ".pmml", majorityBaseline(data));
    }

    static SampleModel temperatureMlp(SampleTrainingData data, MlpWeights weights, byte[] savedModelZip) {
        String description = "Next temperature (°C) from the machine-features record: MLP ("
                + MachineFeatureRecords.MODEL_FEATURE_NAMES.size() + "-" + weights.hiddenUnits()
                + " tanh-1, residual on the current temperature) fitted in TensorFlow Java; SavedModel signature "
                + TfMlpTrainer.SIGNATURE_KEY + ", input " + TfMlpTrainer.SIGNATURE_INPUT + " float[-1,"
                + MachineFeatureRecords.MODEL_FEATURE_NAMES.size() + "].";
        ModelDescriptor.Builder descriptor = mlpDescriptor(
                        TEMPERATURE_MLP, ModelType.TENSORFLOW_SAVED_MODEL, description, savedModelZip, data, weights)
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(MachineFeatureRecords.MODEL_FEATURE_NAMES)
                        .setTensorName(TfMlpTrainer.SIGNATURE_INPUT)
                        .setSignatureKey(TfMlpTrainer.SIGNATURE_KEY))
                .setOutput(OutputSpec.newBuilder()
                        .setKind(OutputKind.REGRESSION)
                        .addTensorNames(TfMlpTrainer.SIGNATURE_OUTPUT));
        return new SampleModel(descriptor.build(), ".savedmodel.zip", persistenceBaseline(data));
    }

    static SampleModel temperatureMlpGraph(SampleTrainingData data, MlpWeights weights) {
        String description = "The " + TEMPERATURE_MLP + " network with its trained weights frozen into constants "
                + "(TensorFlow GraphDef); input " + TfFrozenGraph.INPUT + " float[-1,"
                + MachineFeatureRecords.MODEL_FEATURE_NAMES.size() + "], output " + TfFrozenGraph.OUTPUT
                + " float[-1,1].";
        ModelDescriptor.Builder descriptor = mlpDescriptor(
                        TEMPERATURE_MLP_GRAPH,
                        ModelType.TENSORFLOW_GRAPH,
                        description,
                        TfFrozenGraph.graphDef(weights),
                        data,
                        weights)
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(MachineFeatureRecords.MODEL_FEATURE_NAMES)
                        .setTensorName(TfFrozenGraph.INPUT))
                .setOutput(
                        OutputSpec.newBuilder().setKind(OutputKind.REGRESSION).addTensorNames(TfFrozenGraph.OUTPUT));
        return new SampleModel(descriptor.build(), ".pb", persistenceBaseline(data));
    }

    static SampleModel overheatLogistic(SampleTrainingData data) {
        List<SensorExample> train = data.split().train();
        LogisticModel model = new LogisticRegressionTrainer(3000, 1.0, 1e-4)
                .fit(SensorDataset.features(train), SensorDataset.overheatLabels(train));
        String description = "Will the machine reach " + data.dataset().alertTemperatureC() + " °C within its next "
                + data.dataset().horizon() + " readings? Logistic regression (gradient descent) as ONNX Gemm + Sigmoid;"
                + " output " + OnnxDocuments.OUTPUT + " = probability of label \"1\".";
        byte[] onnx = OnnxDocuments.logistic(model, "overheat_logistic", description);
        List<SensorExample> heldOut = data.split().heldOut();
        double accuracy = accuracy(heldOut, e -> model.predict(e.features()) == 1);
        ModelDescriptor.Builder descriptor = base(
                        OVERHEAT_LOGISTIC, 1, ModelType.ONNX, description, onnx, data, "accuracy", accuracy)
                .setInput(InputSpec.newBuilder()
                        .addAllFeatureNames(MachineFeatureRecords.MODEL_FEATURE_NAMES)
                        .setTensorName(OnnxDocuments.INPUT))
                .setOutput(OutputSpec.newBuilder()
                        .setKind(OutputKind.CLASSIFICATION)
                        .addAllLabels(LABELS)
                        .addTensorNames(OnnxDocuments.OUTPUT));
        // Keep samples away from p = 0.5 so float32 rounding cannot flip their label.
        for (SensorExample e : classifierSamples(heldOut, model::positiveProbability, 0.05)) {
            double p = model.positiveProbability(e.features());
            descriptor.addValidationSamples(classificationSample(e, p, p > 0.5 ? "1" : "0"));
        }
        descriptor.setTrainingStatistics(statistics(
                data, x -> 1.0 - model.positiveProbability(x), x -> model.positiveProbability(x) > 0.5 ? "1" : "0"));
        return new SampleModel(descriptor.build(), ".onnx", majorityBaseline(data));
    }

    private static ModelDescriptor.Builder mlpDescriptor(
            String name,
            ModelType type,
            String description,
            byte[] artifact,
            SampleTrainingData data,
            MlpWeights weights) {
        List<SensorExample> heldOut = data.split().heldOut();
        double rmse = rmse(heldOut, e -> weights.predict(e.features()));
        ModelDescriptor.Builder descriptor = base(name, 1, type, description, artifact, data, "rmse", rmse);
        for (SensorExample e : spaced(heldOut, VALIDATION_SAMPLES)) {
            descriptor.addValidationSamples(regressionSample(e, weights.predict(e.features())));
        }
        descriptor.setTrainingStatistics(statistics(data, weights::predict, x -> null));
        return descriptor;
    }

    /**
     * The training statistics of a sample model (drift monitoring): its input features over the training split and
     * its primary output ({@code output}: outputs[0], for a classifier the probability of label "0") and labels.
     */
    static TrainingStatistics statistics(
            SampleTrainingData data, ToDoubleFunction<double[]> output, Function<double[], String> label) {
        TrainingStatisticsBuilder stats = new TrainingStatisticsBuilder();
        for (SensorExample e : data.split().train()) {
            double[] x = e.features();
            Map<String, Double> inputs = new LinkedHashMap<>();
            for (int i = 0; i < x.length; i++) {
                inputs.put(MachineFeatureRecords.MODEL_FEATURE_NAMES.get(i), x[i]);
            }
            stats.add(inputs, output.applyAsDouble(x), label.apply(x));
        }
        return stats.build(data.trainingDataId());
    }

    private static ModelDescriptor.Builder base(
            String name,
            int version,
            ModelType type,
            String description,
            byte[] artifact,
            SampleTrainingData data,
            String metric,
            double metricValue) {
        return ModelDescriptor.newBuilder()
                .setName(name)
                .setVersion(version)
                .setDataType(MachineFeatureRecords.DATA_TYPE)
                .setModelType(type)
                .setDescription(description)
                .setArtifactBytes(ByteString.copyFrom(artifact))
                .setArtifactSha256(Checksums.sha256Hex(artifact))
                .setValidationTolerance(VALIDATION_TOLERANCE)
                .setDriftThreshold(DRIFT_THRESHOLD)
                .setProvenance(Provenance.newBuilder()
                        .setTrainingDataId(data.trainingDataId())
                        .setCodeVersion(CODE_VERSION)
                        .setCreatedAtEpochMillis(CREATED_AT.toEpochMilli())
                        .setQualityMetricName(metric)
                        .setQualityMetricValue(metricValue));
    }

    private static ValidationSample regressionSample(SensorExample example, double expected) {
        return ValidationSample.newBuilder()
                .setInput(example.record())
                .addExpectedOutputs(expected)
                .build();
    }

    private static ValidationSample classificationSample(SensorExample example, double positive, String label) {
        return ValidationSample.newBuilder()
                .setInput(example.record())
                .addExpectedOutputs(1.0 - positive)
                .addExpectedOutputs(positive)
                .setExpectedLabel(label)
                .build();
    }

    /**
     * Validation samples for a classifier: evenly spaced held-out examples, two predicted "1" and the rest predicted
     * "0" (when the model predicts "1" anywhere), each with |p - 0.5| above {@code margin}.
     */
    private static List<SensorExample> classifierSamples(
            List<SensorExample> heldOut, ToDoubleFunction<double[]> positiveProbability, double margin) {
        Predicate<SensorExample> clear = e -> Math.abs(positiveProbability.applyAsDouble(e.features()) - 0.5) > margin;
        List<SensorExample> positives = heldOut.stream()
                .filter(clear.and(e -> positiveProbability.applyAsDouble(e.features()) > 0.5))
                .toList();
        List<SensorExample> negatives = heldOut.stream()
                .filter(clear.and(e -> positiveProbability.applyAsDouble(e.features()) <= 0.5))
                .toList();
        int positiveCount = Math.min(2, positives.size());
        List<SensorExample> samples = new ArrayList<>(spaced(positives, positiveCount));
        samples.addAll(spaced(negatives, VALIDATION_SAMPLES - positiveCount));
        return samples;
    }

    /** {@code count} examples evenly spaced through the list. */
    private static List<SensorExample> spaced(List<SensorExample> examples, int count) {
        List<SensorExample> picked = new ArrayList<>();
        for (int i = 0; i < count && i < examples.size(); i++) {
            picked.add(examples.get((int) ((long) examples.size() * (2L * i + 1) / (2L * count))));
        }
        return picked;
    }

    private static double rmse(List<SensorExample> examples, Function<SensorExample, Double> predict) {
        double[] predicted = examples.stream().mapToDouble(predict::apply).toArray();
        return Metrics.rmse(predicted, SensorDataset.nextTemperatures(examples));
    }

    private static double accuracy(List<SensorExample> examples, Predicate<SensorExample> predictsOverheat) {
        int[] predicted = examples.stream()
                .mapToInt(e -> predictsOverheat.test(e) ? 1 : 0)
                .toArray();
        return Metrics.accuracy(predicted, SensorDataset.overheatLabels(examples));
    }

    private static double persistenceBaseline(SampleTrainingData data) {
        return rmse(data.split().heldOut(), e -> e.reading().getTemperatureC());
    }

    private static double majorityBaseline(SampleTrainingData data) {
        return Metrics.majorityClassAccuracy(
                SensorDataset.overheatLabels(data.split().train()),
                SensorDataset.overheatLabels(data.split().heldOut()));
    }
}
