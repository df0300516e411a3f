package dev.modelserving.deploy.cli;

import com.google.protobuf.ByteString;
import dev.modelserving.model.Checksums;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.ModelValidator;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.FieldMapping;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.Provenance;
import dev.modelserving.proto.ValidationSample;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl descriptor}: packages a model file and its input/output spec into a {@link ModelDescriptor} file,
 * with validation samples from a CSV, and checks that it loads and reproduces its samples before writing it.
 */
@Command(
        name = "descriptor",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Makes a ModelDescriptor file from a model file and flags, ready to publish.",
            "The descriptor is loaded and validated (every sample reproduced) before it is written."
        },
        footer = {
            "",
            "Samples CSV: a header row; 'expected' or 'expected_0', 'expected_1', ... hold the expected outputs,"
                    + " 'expected_label' the expected label, 'id' and 'key' are not features; every other column is"
                    + " a feature of that name. For a TF/ONNX model without --features, those columns, in order,"
                    + " form the input vector. Without expected columns the model scores each sample and its"
                    + " outputs become the expectations (this pins the current behaviour).",
            "",
            "Example:",
            "  modelctl descriptor --model temp.pmml --name temperature --version 3 --data-type sensor \\",
            "      --field-map 'temperature_c=Temperature (C)' --samples samples.csv --out temperature-v3.desc"
        })
final class DescriptorCommand implements Callable<Integer> {

    @ParentCommand
    private ModelCli cli;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--model", required = true, paramLabel = "PATH", description = "The model: a PMML file, an ONNX"
            + " file, a frozen TF graph (.pb), a TF SavedModel directory (zipped into the descriptor) or a .zip/.tar.gz"
            + " of one (embedded as it is).")
    private Path model;

    @Option(names = "--type", paramLabel = "TYPE", description = "Model type: ${COMPLETION-CANDIDATES}. Default: from"
            + " the name: .pmml/.xml, .onnx, .pb, a directory with saved_model.pb, .zip/.tar.gz/.tgz/.tar.")
    private ArtifactType type;

    @Option(names = "--name", required = true, description = "Model name, unique within the data type.")
    private String name;

    @Option(names = "--version", required = true, paramLabel = "N", description = "Model version (>= 1), higher than"
            + " any version of this name already published.")
    private long version;

    @Option(names = "--data-type", required = true, paramLabel = "TYPE", description = "The record type the model"
            + " scores (DataRecord.data_type).")
    private String dataType;

    @Option(names = "--description", paramLabel = "TEXT", description = "Free text for humans.")
    private String description;

    @Option(names = "--features", split = ",", paramLabel = "NAME", description = "Record feature names in model"
            + " input order (comma-separated or repeated). TF/ONNX: without it the record's packed vector is the"
            + " input.")
    private List<String> features = new ArrayList<>();

    @Option(names = "--field-map", paramLabel = "FEATURE=FIELD", description = "PMML: maps a record feature to a"
            + " PMML field, e.g. 'temperature_c=Temperature (C)' (field names may contain spaces; repeatable)."
            + " Fields not mapped are looked up by their own name.")
    private List<String> fieldMaps = new ArrayList<>();

    @Option(names = "--input-tensor", paramLabel = "NAME", description = "TF/ONNX: the input tensor (graph tensor,"
            + " SavedModel signature input key or ONNX input name). Default: the model's only input.")
    private String inputTensor;

    @Option(names = "--shape", split = ",", paramLabel = "DIM", description = "TF/ONNX: shape of one record's input"
            + " without the batch dimension, e.g. 28,28,1 (-1: any). Default: [number of values].")
    private List<Long> shape = new ArrayList<>();

    @Option(names = "--signature", paramLabel = "KEY", description = "TF SavedModel: the signature to serve. Default:"
            + " serving_default, or the only signature.")
    private String signature;

    @Option(names = "--output-tensors", split = ",", paramLabel = "NAME", description = "TF/ONNX: output tensors to"
            + " fetch (comma-separated), the primary one first. Default: the model's only (ONNX: first) output.")
    private List<String> outputTensors = new ArrayList<>();

    @Option(names = "--output-kind", paramLabel = "KIND", defaultValue = "AUTO", description = "How the primary"
            + " output is read: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}: one value is a score, several a"
            + " raw vector).")
    private OutputKindOption outputKind;

    @Option(names = "--labels", split = ",", paramLabel = "LABEL", description = "Class labels in the order of the"
            + " probability vector (comma-separated). Default: the index is the label.")
    private List<String> labels = new ArrayList<>();

    @Option(names = "--label-tensor", paramLabel = "NAME", description = "TF/ONNX classifiers: an output tensor"
            + " holding the predicted label.")
    private String labelTensor;

    @Option(names = "--target-field", paramLabel = "FIELD", description = "PMML: the target field to report when the"
            + " model has several. Default: the first.")
    private String targetField;

    @Option(names = "--samples", paramLabel = "CSV", description = "Validation samples (see below).")
    private Path samples;

    @Option(names = "--tolerance", paramLabel = "T", description = "Validation tolerance: |actual - expected| <= T *"
            + " max(1, |expected|). Default: 1e-4.")
    private Double tolerance;

    @Option(names = "--location", description = "Record the model's absolute path as artifact_location instead of"
            + " embedding its bytes (the serving job must allow that directory).")
    private boolean location;

    @Option(names = "--training-data", paramLabel = "ID", description = "Provenance: the training data (a snapshot,"
            + " file hash, generator seed).")
    private String trainingData;

    @Option(names = "--code-version", paramLabel = "VERSION", description = "Provenance: the version of the code that"
            + " trained the model (git commit, package version).")
    private String codeVersion;

    @Option(names = "--metric", paramLabel = "NAME=VALUE", description = "Provenance: quality metric on held-out"
            + " data, e.g. rmse=0.42.")
    private String metric;

    @Option(names = "--allowed-root", paramLabel = "DIR", description = "With --location: a directory the model may"
            + " be under when validating (repeatable). Default: the model's own directory.")
    private List<Path> allowedRoots = new ArrayList<>();

    @Option(names = "--no-validate", description = "Write the descriptor without loading the model or checking the"
            + " samples (samples without expected columns still need the model).")
    private boolean noValidate;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the descriptor"
            + " (binary protobuf; replaced only when complete).")
    private Path out;

    @Override
    public Integer call() throws CliException {
        checkFlags();
        ModelPath modelPath = ModelPath.of(model, type);
        refuseToOverwrite(model, "--model");
        if (samples != null) {
            refuseToOverwrite(samples, "--samples");
        }
        checkFlagsFor(modelPath.type());
        PrintWriter err = spec.commandLine().getErr();

        ModelDescriptor.Builder builder = ModelDescriptor.newBuilder()
                .setName(name)
                .setVersion(version)
                .setDataType(dataType)
                .setModelType(modelPath.type().modelType())
                .setDescription(description == null ? "" : description)
                .setProvenance(provenance());
        InputSpec input = inputSpec();
        if (!input.equals(InputSpec.getDefaultInstance())) {
            builder.setInput(input);
        }
        OutputSpec output = outputSpec();
        if (!output.equals(OutputSpec.getDefaultInstance())) {
            builder.setOutput(output);
        }
        if (tolerance != null) {
            builder.setValidationTolerance(tolerance);
        }
        if (location) {
            builder.setArtifactLocation(modelPath.location());
            builder.setArtifactSha256(modelPath.isDirectory() ? "" : sha256OfFile(modelPath.path()));
        } else {
            byte[] bytes = modelPath.artifactBytes();
            builder.setArtifactBytes(ByteString.copyFrom(bytes));
            builder.setArtifactSha256(Checksums.sha256Hex(bytes));
        }
        ModelDescriptor withoutSamples = builder.build();

        List<Path> roots = new ArrayList<>(allowedRoots);
        if (location && roots.isEmpty()) {
            roots.add(modelPath.defaultAllowedRoot());
        }
        ModelLoader loader = cli.loader(roots);

        // Notes are printed only once the descriptor is written, so a failure is exactly one line.
        List<String> notes = new ArrayList<>();
        ModelDescriptor descriptor = withoutSamples;
        if (samples != null) {
            descriptor = withSamples(withoutSamples, loader, notes);
        } else {
            notes.add("warning: no --samples: the descriptor has no validation samples (a serving job that requires"
                    + " them will refuse it)");
        }
        if (!noValidate) {
            try (Model validated = loader.load(descriptor)) {
                // Loaded and validated exactly as the serving job will; closed at once.
            } catch (ModelLoadException e) {
                throw new CliException(model + ": " + e.getMessage(), e);
            }
        }
        DescriptorFiles.write(out, descriptor);
        notes.forEach(note -> err.println(ModelCli.PREFIX + note));
        err.println(ModelCli.PREFIX + "wrote " + out + ": " + descriptor.getName() + " v" + descriptor.getVersion()
                + " (" + descriptor.getModelType() + "), sha256 "
                + (descriptor.getArtifactSha256().isEmpty() ? "(directory, not hashed)" : descriptor.getArtifactSha256())
                + ", " + descriptor.getValidationSamplesCount() + " validation sample"
                + (descriptor.getValidationSamplesCount() == 1 ? "" : "s")
                + (noValidate ? " (not validated: --no-validate)" : ", validated"));
        err.flush();
        return 0;
    }

    /** {@code --out} must not name an input: writing it would destroy the model or the samples. */
    private void refuseToOverwrite(Path input, String option) throws CliException {
        try {
            if (Files.exists(out) && Files.exists(input) && Files.isSameFile(out, input)) {
                throw usage("--out " + out + " is the same file as " + option + "; it would be overwritten");
            }
        } catch (IOException e) {
            throw IoMessages.failure("cannot compare --out " + out + " with " + option + " " + input, e);
        }
    }

    /** Flag checks that need no file: usage errors (exit 2). */
    private void checkFlags() {
        if (version < 1) {
            throw usage("--version must be 1 or more, not " + version);
        }
        if (name.isBlank()) {
            throw usage("--name must not be blank");
        }
        if (dataType.isBlank()) {
            throw usage("--data-type must not be blank");
        }
        if (tolerance != null && !(tolerance > 0 && Double.isFinite(tolerance))) {
            throw usage("--tolerance must be a positive number, not " + tolerance);
        }
        for (long dim : shape) {
            if (dim == 0 || dim < -1) {
                throw usage("--shape dimensions must be positive or -1 (any), not " + dim);
            }
        }
        for (String map : fieldMaps) {
            parseFieldMap(map);
        }
        if (metric != null) {
            parseMetric(metric);
        }
        checkNoBlanks("--features", features);
        checkNoBlanks("--output-tensors", outputTensors);
        checkNoBlanks("--labels", labels);
    }

    private void checkNoBlanks(String option, List<String> values) {
        Set<String> seen = new HashSet<>();
        for (String value : values) {
            if (value.isBlank()) {
                throw usage(option + " has an empty name in " + values);
            }
            if (!seen.add(value.strip())) {
                throw usage(option + " names '" + value.strip() + "' twice");
            }
        }
    }

    /** Flags that only make sense for some model types. */
    private void checkFlagsFor(ArtifactType artifactType) {
        if (artifactType == ArtifactType.PMML) {
            rejectFor(artifactType, "--input-tensor", inputTensor != null);
            rejectFor(artifactType, "--shape", !shape.isEmpty());
            rejectFor(artifactType, "--signature", signature != null);
            rejectFor(artifactType, "--output-tensors", !outputTensors.isEmpty());
            rejectFor(artifactType, "--label-tensor", labelTensor != null);
        } else {
            rejectFor(artifactType, "--field-map", !fieldMaps.isEmpty());
            rejectFor(artifactType, "--target-field", targetField != null);
            rejectFor(artifactType, "--signature",
                    signature != null && artifactType != ArtifactType.TENSORFLOW_SAVED_MODEL);
        }
    }

    private void rejectFor(ArtifactType artifactType, String option, boolean given) {
        if (given) {
            throw usage(option + " does not apply to " + artifactType + " models");
        }
    }

    private InputSpec inputSpec() {
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

    private OutputSpec outputSpec() {
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

    private Provenance provenance() {
        Provenance.Builder provenance = Provenance.newBuilder()
                .setCreatedAtEpochMillis(System.currentTimeMillis());
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
    private FieldMapping parseFieldMap(String map) {
        int eq = map.indexOf('=');
        if (eq <= 0 || eq == map.length() - 1 || map.substring(0, eq).isBlank() || map.substring(eq + 1).isBlank()) {
            throw usage("--field-map needs FEATURE=FIELD, e.g. 'temperature_c=Temperature (C)', not '" + map + "'");
        }
        return FieldMapping.newBuilder()
                .setRecordFeature(map.substring(0, eq).strip())
                .setModelField(map.substring(eq + 1).strip())
                .build();
    }

    private double parseMetric(String value) {
        int eq = value.indexOf('=');
        if (eq <= 0 || value.substring(0, eq).isBlank()) {
            throw usage("--metric needs NAME=VALUE, e.g. rmse=0.42, not '" + value + "'");
        }
        try {
            double number = Double.parseDouble(value.substring(eq + 1).strip());
            if (!Double.isFinite(number)) {
                throw usage("--metric value must be a finite number, not '" + value.substring(eq + 1) + "'");
            }
            return number;
        } catch (NumberFormatException e) {
            throw usage("--metric value must be a number, not '" + value.substring(eq + 1) + "'");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /**
     * Reads the samples CSV into validation samples. Rows with expected columns are checked against the model one by
     * one (so a failure names its row); without expected columns the model's outputs become the expectations.
     */
    private ModelDescriptor withSamples(ModelDescriptor withoutSamples, ModelLoader loader, List<String> notes)
            throws CliException {
        List<CsvRow> rows;
        CsvLayout layout;
        try (InputStream in = openSamples();
                RecordCsvReader reader = RecordCsvReader.open(samples.toString(), in)) {
            layout = reader.layout();
            rows = reader.readAll();
        } catch (IOException e) {
            throw IoMessages.failure("cannot read samples " + samples, e);
        }
        if (rows.isEmpty()) {
            throw new CliException(samples + " has a header but no samples");
        }
        RecordBuilder records = RecordBuilder.forModel(withoutSamples, dataType);
        checkColumns(layout, withoutSamples, records.packedVector());
        List<ValidationSample.Builder> built = new ArrayList<>();
        for (CsvRow row : rows) {
            built.add(sample(row, records));
        }
        boolean pin = !layout.hasExpectations();
        if (pin || !noValidate) {
            checkOrPin(withoutSamples, loader, rows, built, pin);
        }
        if (pin) {
            notes.add(samples + " has no expected columns: recorded the model's own outputs for "
                    + rows.size() + " sample" + (rows.size() == 1 ? "" : "s") + " as their expectations (this pins"
                    + " today's behaviour; it does not show that it is right)");
        }
        ModelDescriptor.Builder descriptor = withoutSamples.toBuilder();
        built.forEach(descriptor::addValidationSamples);
        return descriptor.build();
    }

    private InputStream openSamples() throws CliException {
        try {
            if (Files.isDirectory(samples)) {
                throw new CliException("samples " + samples + " is a directory, not a CSV file");
            }
            return Files.newInputStream(samples);
        } catch (IOException e) {
            throw IoMessages.failure("cannot read samples", e);
        }
    }

    /** Fails early when the CSV lacks a column the spec names. */
    private void checkColumns(CsvLayout layout, ModelDescriptor descriptor, boolean packedVector) throws CliException {
        Set<String> columns = new HashSet<>(layout.featureNames());
        for (String feature : descriptor.getInput().getFeatureNamesList()) {
            if (!columns.contains(feature)) {
                throw new CliException(samples + " has no column '" + feature + "' named by --features (its feature"
                        + " columns: " + layout.featureNames() + ")");
            }
        }
        for (FieldMapping mapping : descriptor.getInput().getFieldMappingList()) {
            if (!columns.contains(mapping.getRecordFeature())) {
                throw new CliException(samples + " has no column '" + mapping.getRecordFeature() + "' named by"
                        + " --field-map (its feature columns: " + layout.featureNames() + ")");
            }
        }
        if (packedVector && layout.featureColumns().isEmpty()) {
            throw new CliException(samples + " has no feature columns to form the input vector");
        }
    }

    private ValidationSample.Builder sample(CsvRow row, RecordBuilder records) throws CliException {
        ValidationSample.Builder sample = ValidationSample.newBuilder();
        try {
            sample.setInput(records.build(row));
        } catch (RowException e) {
            throw new CliException(row.describe() + ": " + e.getMessage());
        }
        CsvLayout layout = row.layout();
        for (int column : layout.expectedColumns()) {
            String name = layout.header().get(column);
            String cell = row.cell(column);
            if (cell.isEmpty()) {
                throw new CliException(row.describe() + ": " + name + " is empty");
            }
            try {
                double expected = Double.parseDouble(cell);
                if (!Double.isFinite(expected)) {
                    throw new CliException(row.describe() + ": " + name + " is " + cell + ", not a finite number");
                }
                sample.addExpectedOutputs(expected);
            } catch (NumberFormatException e) {
                throw new CliException(row.describe() + ": " + name + " is not a number: '" + cell + "'");
            }
        }
        if (layout.expectedLabelColumn() >= 0) {
            sample.setExpectedLabel(row.cell(layout.expectedLabelColumn()));
        }
        return sample;
    }

    /** Scores every sample with the model built without samples, checking (or recording) its result. */
    private void checkOrPin(ModelDescriptor withoutSamples, ModelLoader loader, List<CsvRow> rows,
            List<ValidationSample.Builder> built, boolean pin) throws CliException {
        double tol = withoutSamples.getValidationTolerance() > 0
                ? withoutSamples.getValidationTolerance()
                : ModelValidator.DEFAULT_TOLERANCE;
        try (Model loaded = loader.load(withoutSamples)) {
            for (int i = 0; i < rows.size(); i++) {
                ValidationSample.Builder sample = built.get(i);
                Prediction prediction = score(loaded, sample.getInput(), rows.get(i));
                if (pin) {
                    for (double output : prediction.outputs()) {
                        sample.addExpectedOutputs(output);
                    }
                    if (prediction.label() != null) {
                        sample.setExpectedLabel(prediction.label());
                    }
                } else {
                    String mismatch = ModelValidator.mismatch(sample.build(), prediction, tol);
                    if (mismatch != null) {
                        throw new CliException("validation sample " + i + ", " + rows.get(i).describe() + ": "
                                + mismatch);
                    }
                }
            }
        } catch (ModelLoadException e) {
            throw new CliException(model + ": " + e.getMessage(), e);
        }
    }

    private static Prediction score(Model loaded, DataRecord record, CsvRow row) throws CliException {
        try {
            return loaded.score(record);
        } catch (ScoringException e) {
            throw new CliException(row.describe() + " could not be scored: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new CliException(row.describe() + " made the model fail: " + e, e);
        }
    }

    /** The file's SHA-256, streamed (a location model may be large). */
    private static String sha256OfFile(Path file) throws CliException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw IoMessages.failure("cannot read model " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
