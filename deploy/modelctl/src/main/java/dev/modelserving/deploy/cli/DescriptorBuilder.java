package dev.modelserving.deploy.cli;

import com.google.protobuf.ByteString;
import dev.modelserving.model.Checksums;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.ModelValidator;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.ScoringException;
import dev.modelserving.model.drift.DriftMonitor;
import dev.modelserving.model.drift.TrainingStatisticsBuilder;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.FieldMapping;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.TrainingStatistics;
import dev.modelserving.proto.ValidationSample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * Builds a {@link ModelDescriptor} from a model file and its {@link ModelOptions}: the artifact (embedded with its
 * SHA-256, or as a location), the input/output spec, provenance, validation samples from a CSV (checked against the
 * model, or pinned to its outputs), and a final load and validation exactly as the serving job will do it. Shared by
 * {@code modelctl descriptor} (which writes the result to a file) and {@code modelctl publish --model} (which sends
 * it to the model topic).
 */
final class DescriptorBuilder {

    /**
     * A built descriptor and the notes to print once it has been written or sent (so that a failure is one line).
     */
    record Built(ModelDescriptor descriptor, List<String> notes) {}

    private final ModelOptions options;
    private final Function<List<Path>, ModelLoader> loaders;
    private final List<Path> allowedRoots;
    private final boolean noValidate;

    /**
     * @param options the model flags
     * @param loaders a loader accepting locations under the given roots
     * @param allowedRoots {@code --allowed-root}; with {@code --location} and none given: the model's own directory
     * @param noValidate {@code --no-validate}: skip the final load (samples without expectations still need the model)
     */
    DescriptorBuilder(
            ModelOptions options,
            Function<List<Path>, ModelLoader> loaders,
            List<Path> allowedRoots,
            boolean noValidate) {
        this.options = options;
        this.loaders = loaders;
        this.allowedRoots = List.copyOf(allowedRoots);
        this.noValidate = noValidate;
    }

    /**
     * Checks the flags (usage errors against {@code commandLine}), builds the descriptor and validates it.
     *
     * @throws CliException a model, samples file or validation problem, in one line
     */
    Built build(CommandLine commandLine) throws CliException {
        options.checkFlags(commandLine);
        ModelPath modelPath = ModelPath.of(options.model, options.type);
        options.checkFlagsFor(commandLine, modelPath.type());

        ModelDescriptor.Builder builder = ModelDescriptor.newBuilder()
                .setName(options.name)
                .setVersion(options.version)
                .setDataType(options.dataType)
                .setModelType(modelPath.type().modelType())
                .setDescription(options.description == null ? "" : options.description)
                .setProvenance(options.provenance());
        InputSpec input = options.inputSpec();
        if (!input.equals(InputSpec.getDefaultInstance())) {
            builder.setInput(input);
        }
        OutputSpec output = options.outputSpec();
        if (!output.equals(OutputSpec.getDefaultInstance())) {
            builder.setOutput(output);
        }
        if (options.tolerance != null) {
            builder.setValidationTolerance(options.tolerance);
        }
        if (options.driftThreshold != null) {
            builder.setDriftThreshold(options.driftThreshold);
        }
        if (options.location) {
            builder.setArtifactLocation(modelPath.location());
            builder.setArtifactSha256(modelPath.isDirectory() ? "" : sha256OfFile(modelPath.path()));
        } else {
            byte[] bytes = modelPath.artifactBytes();
            builder.setArtifactBytes(ByteString.copyFrom(bytes));
            builder.setArtifactSha256(Checksums.sha256Hex(bytes));
        }
        ModelDescriptor withoutSamples = builder.build();

        List<Path> roots = new ArrayList<>(allowedRoots);
        if (options.location && roots.isEmpty()) {
            roots.add(modelPath.defaultAllowedRoot());
        }
        ModelLoader loader = loaders.apply(roots);

        List<String> notes = new ArrayList<>();
        ModelDescriptor descriptor = withoutSamples;
        if (options.samples != null) {
            descriptor = withSamples(withoutSamples, loader, notes);
        } else {
            notes.add("warning: no --samples: the descriptor has no validation samples (a serving job that requires"
                    + " them will refuse it)");
        }
        if (options.trainingCsv().isPresent()) {
            descriptor = withTrainingStatistics(
                    descriptor, withoutSamples, loader, options.trainingCsv().get(), notes);
        }
        if (!noValidate) {
            try (Model validated = loader.load(descriptor)) {
                // Loaded and validated exactly as the serving job will; closed at once.
            } catch (ModelLoadException e) {
                throw new CliException(options.model + ": " + e.getMessage(), e);
            }
        }
        return new Built(descriptor, List.copyOf(notes));
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
                RecordCsvReader reader = RecordCsvReader.open(options.samples.toString(), in)) {
            layout = reader.layout();
            rows = reader.readAll();
        } catch (IOException e) {
            throw IoMessages.failure("cannot read samples " + options.samples, e);
        }
        if (rows.isEmpty()) {
            throw new CliException(options.samples + " has a header but no samples");
        }
        RecordBuilder records = RecordBuilder.forModel(withoutSamples, options.dataType);
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
            notes.add(options.samples + " has no expected columns: recorded the model's own outputs for "
                    + rows.size() + " sample" + (rows.size() == 1 ? "" : "s") + " as their expectations (this pins"
                    + " today's behaviour; it does not show that it is right)");
        }
        ModelDescriptor.Builder descriptor = withoutSamples.toBuilder();
        built.forEach(descriptor::addValidationSamples);
        return descriptor.build();
    }

    /**
     * Adds the statistics of the training CSV: per monitored input feature (the model's named features, or
     * {@code vector[i]} for a packed input vector) and of the model's primary output and labels on those rows, the
     * model scoring each row as the serving job would.
     */
    private ModelDescriptor withTrainingStatistics(
            ModelDescriptor descriptor,
            ModelDescriptor withoutSamples,
            ModelLoader loader,
            Path csv,
            List<String> notes)
            throws CliException {
        List<CsvRow> rows;
        CsvLayout layout;
        try (InputStream in = Files.newInputStream(csv);
                RecordCsvReader reader = RecordCsvReader.open(csv.toString(), in)) {
            layout = reader.layout();
            rows = reader.readAll();
        } catch (IOException e) {
            throw IoMessages.failure("cannot read training data " + csv, e);
        }
        if (rows.isEmpty()) {
            throw new CliException(csv + " has a header but no rows");
        }
        RecordBuilder records = RecordBuilder.forModel(withoutSamples, options.dataType);
        List<String> names = withoutSamples.getInput().getFeatureNamesCount() > 0
                ? withoutSamples.getInput().getFeatureNamesList()
                : layout.featureNames();
        TrainingStatisticsBuilder stats = new TrainingStatisticsBuilder();
        int unscored = 0;
        try (Model loaded = loader.load(withoutSamples)) {
            for (CsvRow row : rows) {
                DataRecord record;
                try {
                    record = records.build(row);
                } catch (RowException e) {
                    throw new CliException(csv + ", " + row.describe() + ": " + e.getMessage());
                }
                Map<String, Double> inputs = new LinkedHashMap<>();
                if (records.packedVector()) {
                    for (int i = 0; i < record.getVectorCount() && i < DriftMonitor.MAX_FEATURES; i++) {
                        inputs.put("vector[" + i + "]", (double) record.getVector(i));
                    }
                } else {
                    for (String name : names) {
                        if (inputs.size() < DriftMonitor.MAX_FEATURES && record.containsFeatures(name)) {
                            inputs.put(name, record.getFeaturesOrThrow(name));
                        }
                    }
                }
                Prediction prediction = null;
                try {
                    prediction = loaded.score(record);
                } catch (ScoringException | RuntimeException e) {
                    unscored++;
                }
                stats.add(
                        inputs,
                        prediction == null || prediction.outputs().length == 0
                                ? null
                                : prediction.outputs()[0],
                        prediction == null ? null : prediction.label());
            }
        } catch (ModelLoadException e) {
            throw new CliException(options.model + ": " + e.getMessage(), e);
        }
        TrainingStatistics built = stats.build(csv.getFileName().toString());
        notes.add("training statistics from " + csv + ": " + rows.size() + " rows, " + built.getFeaturesCount()
                + " feature" + (built.getFeaturesCount() == 1 ? "" : "s") + (built.hasOutput() ? " and the output" : "")
                + (unscored > 0 ? " (" + unscored + " rows the model could not score left out of the output)" : ""));
        return descriptor.toBuilder().setTrainingStatistics(built).build();
    }

    private InputStream openSamples() throws CliException {
        try {
            if (Files.isDirectory(options.samples)) {
                throw new CliException("samples " + options.samples + " is a directory, not a CSV file");
            }
            return Files.newInputStream(options.samples);
        } catch (IOException e) {
            throw IoMessages.failure("cannot read samples", e);
        }
    }

    /** Fails early when the CSV lacks a column the spec names. */
    private void checkColumns(CsvLayout layout, ModelDescriptor descriptor, boolean packedVector) throws CliException {
        Set<String> columns = new HashSet<>(layout.featureNames());
        for (String feature : descriptor.getInput().getFeatureNamesList()) {
            if (!columns.contains(feature)) {
                throw new CliException(options.samples + " has no column '" + feature + "' named by --features (its"
                        + " feature columns: " + layout.featureNames() + ")");
            }
        }
        for (FieldMapping mapping : descriptor.getInput().getFieldMappingList()) {
            if (!columns.contains(mapping.getRecordFeature())) {
                throw new CliException(options.samples + " has no column '" + mapping.getRecordFeature() + "' named by"
                        + " --field-map (its feature columns: " + layout.featureNames() + ")");
            }
        }
        if (packedVector && layout.featureColumns().isEmpty()) {
            throw new CliException(options.samples + " has no feature columns to form the input vector");
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
    private void checkOrPin(
            ModelDescriptor withoutSamples,
            ModelLoader loader,
            List<CsvRow> rows,
            List<ValidationSample.Builder> built,
            boolean pin)
            throws CliException {
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
                        throw new CliException(
                                "validation sample " + i + ", " + rows.get(i).describe() + ": " + mismatch);
                    }
                }
            }
        } catch (ModelLoadException e) {
            throw new CliException(options.model + ": " + e.getMessage(), e);
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
