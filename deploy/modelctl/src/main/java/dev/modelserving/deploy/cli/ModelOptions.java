package dev.modelserving.deploy.cli;

import dev.modelserving.proto.FieldMapping;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.Provenance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The flags that describe a model file (what {@code modelctl descriptor} packages and {@code modelctl publish --model}
 * publishes): an argument group shared by both commands, with the checks and the spec parts they derive. Usage
 * errors (exit 2) are reported against the command line given to each method.
 */
final class ModelOptions {

    /** The {@code --samples} file format, for the help of the commands that take these options. */
    static final String SAMPLES_CSV_HELP = "Samples CSV: a header row; 'expected' or 'expected_0', 'expected_1', ..."
            + " hold the expected outputs, 'expected_label' the expected label, 'id' and 'key' are not features;"
            + " every other column is a feature of that name. For a TF/ONNX model without --features, those columns,"
            + " in order, form the input vector. Without expected columns the model scores each sample and its"
            + " outputs become the expectations (this pins the current behaviour).";

    @Option(
            names = "--model",
            required = true,
            paramLabel = "PATH",
            description = "The model: a PMML file, an ONNX"
                    + " file, a frozen TF graph (.pb), a TF SavedModel directory (zipped into the descriptor) or a .zip/.tar.gz"
                    + " of one (embedded as it is).")
    Path model;

    @Option(
            names = "--type",
            paramLabel = "TYPE",
            description = "Model type: ${COMPLETION-CANDIDATES}. Default: from"
                    + " the name: .pmml/.xml, .onnx, .pb, a directory with saved_model.pb, .zip/.tar.gz/.tgz/.tar.")
    ArtifactType type;

    @Option(names = "--name", required = true, description = "Model name, unique within the data type.")
    String name;

    @Option(
            names = "--version",
            required = true,
            paramLabel = "N",
            description = "Model version (>= 1), higher than" + " any version of this name already published.")
    long version;

    @Option(
            names = "--data-type",
            required = true,
            paramLabel = "TYPE",
            description = "The record type the model" + " scores (DataRecord.data_type).")
    String dataType;

    @Option(names = "--description", paramLabel = "TEXT", description = "Free text for humans.")
    String description;

    @Option(
            names = "--features",
            split = ",",
            paramLabel = "NAME",
            description = "Record feature names in model"
                    + " input order (comma-separated or repeated). TF/ONNX: without it the record's packed vector is the"
                    + " input.")
    List<String> features = new ArrayList<>();

    @Option(
            names = "--field-map",
            paramLabel = "FEATURE=FIELD",
            description = "PMML: maps a record feature to a"
                    + " PMML field, e.g. 'temperature_c=Temperature (C)' (field names may contain spaces; repeatable)."
                    + " Fields not mapped are looked up by their own name.")
    List<String> fieldMaps = new ArrayList<>();

    @Option(
            names = "--input-tensor",
            paramLabel = "NAME",
            description = "TF/ONNX: the input tensor (graph tensor,"
                    + " SavedModel signature input key or ONNX input name). Default: the model's only input.")
    String inputTensor;

    @Option(
            names = "--shape",
            split = ",",
            paramLabel = "DIM",
            description = "TF/ONNX: shape of one record's input"
                    + " without the batch dimension, e.g. 28,28,1 (-1: any). Default: [number of values].")
    List<Long> shape = new ArrayList<>();

    @Option(
            names = "--signature",
            paramLabel = "KEY",
            description =
                    "TF SavedModel: the signature to serve. Default:" + " serving_default, or the only signature.")
    String signature;

    @Option(
            names = "--output-tensors",
            split = ",",
            paramLabel = "NAME",
            description =
                    "TF/ONNX: output tensors to"
                            + " fetch (comma-separated), the primary one first. Default: the model's only (ONNX: first) output.")
    List<String> outputTensors = new ArrayList<>();

    @Option(
            names = "--output-kind",
            paramLabel = "KIND",
            defaultValue = "AUTO",
            description = "How the primary"
                    + " output is read: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: one value is a score, several a"
                    + " raw vector).")
    OutputKindOption outputKind = OutputKindOption.AUTO;

    @Option(
            names = "--labels",
            split = ",",
            paramLabel = "LABEL",
            description = "Class labels in the order of the"
                    + " probability vector (comma-separated). Default: the index is the label.")
    List<String> labels = new ArrayList<>();

    @Option(
            names = "--label-tensor",
            paramLabel = "NAME",
            description = "TF/ONNX classifiers: an output tensor" + " holding the predicted label.")
    String labelTensor;

    @Option(
            names = "--target-field",
            paramLabel = "FIELD",
            description = "PMML: the target field to report when the" + " model has several. Default: the first.")
    String targetField;

    @Option(names = "--samples", paramLabel = "CSV", description = "Validation samples (see below).")
    Path samples;

    @Option(
            names = "--tolerance",
            paramLabel = "T",
            description = "Validation tolerance: |actual - expected| <= T *" + " max(1, |expected|). Default: 1e-4.")
    Double tolerance;

    @Option(
            names = "--location",
            description = "Record the model's absolute path as artifact_location instead of"
                    + " embedding its bytes (the serving job must allow that directory).")
    boolean location;

    @Option(
            names = "--training-data",
            paramLabel = "ID|CSV",
            description = "Provenance: the training data (a"
                    + " snapshot, file hash, generator seed). A CSV file (name ending in .csv, same layout as --samples):"
                    + " also stores its per-feature statistics and the model's outputs on it in the descriptor, for drift"
                    + " monitoring.")
    String trainingData;

    @Option(
            names = "--drift-threshold",
            paramLabel = "PSI",
            description = "PSI above which the serving job reports"
                    + " a feature of this model as drifted. Default: the job's --drift-threshold.")
    Double driftThreshold;

    @Option(
            names = "--code-version",
            paramLabel = "VERSION",
            description =
                    "Provenance: the version of the code that" + " trained the model (git commit, package version).")
    String codeVersion;

    @Option(
            names = "--metric",
            paramLabel = "NAME=VALUE",
            description = "Provenance: quality metric on held-out" + " data, e.g. rmse=0.42.")
    String metric;

    /** Flag checks that need no file: usage errors (exit 2). */
    void checkFlags(CommandLine commandLine) {
        if (version < 1) {
            throw usage(commandLine, "--version must be 1 or more, not " + version);
        }
        if (driftThreshold != null && !(driftThreshold > 0 && Double.isFinite(driftThreshold))) {
            throw usage(commandLine, "--drift-threshold must be a positive number, not " + driftThreshold);
        }
        if (name.isBlank()) {
            throw usage(commandLine, "--name must not be blank");
        }
        if (dataType.isBlank()) {
            throw usage(commandLine, "--data-type must not be blank");
        }
        if (tolerance != null && !(tolerance > 0 && Double.isFinite(tolerance))) {
            throw usage(commandLine, "--tolerance must be a positive number, not " + tolerance);
        }
        for (long dim : shape) {
            if (dim == 0 || dim < -1) {
                throw usage(commandLine, "--shape dimensions must be positive or -1 (any), not " + dim);
            }
        }
        try {
            for (String map : fieldMaps) {
                parseFieldMap(map);
            }
            if (metric != null) {
                parseMetric(metric);
            }
        } catch (IllegalArgumentException e) {
            throw usage(commandLine, e.getMessage());
        }
        checkNoBlanks(commandLine, "--features", features);
        checkNoBlanks(commandLine, "--output-tensors", outputTensors);
        checkNoBlanks(commandLine, "--labels", labels);
    }

    private static void checkNoBlanks(CommandLine commandLine, String option, List<String> values) {
        Set<String> seen = new HashSet<>();
        for (String value : values) {
            if (value.isBlank()) {
                throw usage(commandLine, option + " has an empty name in " + values);
            }
            if (!seen.add(value.strip())) {
                throw usage(commandLine, option + " names '" + value.strip() + "' twice");
            }
        }
    }

    /** Flags that only make sense for some model types. */
    void checkFlagsFor(CommandLine commandLine, ArtifactType artifactType) {
        if (artifactType == ArtifactType.PMML) {
            rejectFor(commandLine, artifactType, "--input-tensor", inputTensor != null);
            rejectFor(commandLine, artifactType, "--shape", !shape.isEmpty());
            rejectFor(commandLine, artifactType, "--signature", signature != null);
            rejectFor(commandLine, artifactType, "--output-tensors", !outputTensors.isEmpty());
            rejectFor(commandLine, artifactType, "--label-tensor", labelTensor != null);
        } else {
            rejectFor(commandLine, artifactType, "--field-map", !fieldMaps.isEmpty());
            rejectFor(commandLine, artifactType, "--target-field", targetField != null);
            rejectFor(
                    commandLine,
                    artifactType,
                    "--signature",
                    signature != null && artifactType != ArtifactType.TENSORFLOW_SAVED_MODEL);
        }
    }

    private static void rejectFor(CommandLine commandLine, ArtifactType artifactType, String option, boolean given) {
        if (given) {
            throw usage(commandLine, option + " does not apply to " + artifactType + " models");
        }
    }

    InputSpec inputSpec() {
        InputSpec.Builder input = InputSpec.newBuilder();
        features.forEach(f -> input.addFeatureNames(f.strip()));
        for (String map : fieldMaps) {
            input.addFieldMapping(parseFieldMap(map));
        }
        if (inputTensor != null) {
            input.setTensorName(inputTensor);
        }
        input.addAllShape(shape);
        if (signature != null) {
            input.setSignatureKey(signature);
        }
        return input.build();
    }

    /** The training CSV whose statistics go into the descriptor: {@code --training-data} naming a .csv file. */
    java.util.Optional<Path> trainingCsv() {
        if (trainingData == null
                || !trainingData.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Path.of(trainingData));
    }

    OutputSpec outputSpec() {
        OutputSpec.Builder output = OutputSpec.newBuilder().setKind(outputKind.kind());
        outputTensors.forEach(t -> output.addTensorNames(t.strip()));
        labels.forEach(l -> output.addLabels(l.strip()));
        if (targetField != null) {
            output.setTargetField(targetField);
        }
        if (labelTensor != null) {
            output.setLabelTensorName(labelTensor);
        }
        return output.build();
    }

    Provenance provenance() {
        Provenance.Builder provenance = Provenance.newBuilder().setCreatedAtEpochMillis(System.currentTimeMillis());
        if (trainingData != null) {
            provenance.setTrainingDataId(trainingData);
        }
        if (codeVersion != null) {
            provenance.setCodeVersion(codeVersion);
        }
        if (metric != null) {
            int eq = metric.indexOf('=');
            provenance.setQualityMetricName(metric.substring(0, eq).strip());
            provenance.setQualityMetricValue(parseMetric(metric));
        }
        return provenance.build();
    }

    /** "record feature=PMML field": split at the first '=', since PMML field names may contain anything else. */
    private static FieldMapping parseFieldMap(String map) {
        int eq = map.indexOf('=');
        if (eq <= 0
                || eq == map.length() - 1
                || map.substring(0, eq).isBlank()
                || map.substring(eq + 1).isBlank()) {
            throw new IllegalArgumentException(
                    "--field-map needs FEATURE=FIELD, e.g. 'temperature_c=Temperature (C)'," + " not '" + map + "'");
        }
        return FieldMapping.newBuilder()
                .setRecordFeature(map.substring(0, eq).strip())
                .setModelField(map.substring(eq + 1).strip())
                .build();
    }

    private static double parseMetric(String value) {
        int eq = value.indexOf('=');
        if (eq <= 0 || value.substring(0, eq).isBlank()) {
            throw new IllegalArgumentException("--metric needs NAME=VALUE, e.g. rmse=0.42, not '" + value + "'");
        }
        try {
            double number = Double.parseDouble(value.substring(eq + 1).strip());
            if (!Double.isFinite(number)) {
                throw new IllegalArgumentException(
                        "--metric value must be a finite number, not '" + value.substring(eq + 1) + "'");
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--metric value must be a number, not '" + value.substring(eq + 1) + "'");
        }
    }

    private static ParameterException usage(CommandLine commandLine, String message) {
        return new ParameterException(commandLine, message);
    }
}
