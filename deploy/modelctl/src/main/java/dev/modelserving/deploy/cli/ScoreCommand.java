package dev.modelserving.deploy.cli;

import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl score}: loads a descriptor's model exactly as the serving job does (artifact checks, validation
 * samples) and scores a CSV of records with it, without Flink. A row that cannot be scored becomes a FAILED row and the
 * run goes on.
 */
@Command(
        name = "score",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Scores a CSV of records with a descriptor's model (loaded and validated as the serving job would), without"
                    + " Flink.",
            "Output CSV: id,status,model,version,output_0..output_{k-1},label,p_<label>...,error; status is SCORED or"
                    + " FAILED (a row with a missing, empty, NaN or non-numeric value fails; the others are scored).",
        },
        footer = {
            "",
            "Input CSV: a header row; 'id' is the record id (default: the row number), 'key' the record key,"
                    + " 'expected*' columns are ignored; every other column is a feature of that name. For a TF/ONNX"
                    + " model whose descriptor names no features, those columns, in order, form the input vector.",
            "",
            "Exit codes: 0 every row scored, 1 failure, 2 usage error, 3 some rows FAILED (summary on stderr)."
        })
final class ScoreCommand implements Callable<Integer> {

    /** Exit code when the run finished but some rows could not be scored. */
    static final int SOME_ROWS_FAILED = 3;

    private static final String STDIN = "-";

    /** How often (in rows) a write failure on standard output is looked for; each look flushes. */
    private static final int STDOUT_CHECK_INTERVAL = 1024;

    @ParentCommand
    private ModelCli cli;

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;

    @Option(
            names = "--descriptor",
            required = true,
            paramLabel = "FILE",
            description = "The descriptor (binary" + " ModelDescriptor, as written by 'modelctl descriptor').")
    private Path descriptorFile;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "CSV",
            description = "The records to score; '-' reads" + " standard input.")
    private String input;

    @Option(
            names = "--out",
            paramLabel = "FILE",
            description = "Where to write the results (replaced only when" + " complete). Default: standard output.")
    private Path out;

    @Option(
            names = "--allowed-root",
            paramLabel = "DIR",
            description = "A directory the descriptor's"
                    + " artifact_location may be under (repeatable). Default: none (locations are refused).")
    private List<Path> allowedRoots = new ArrayList<>();

    @Option(
            names = "--data-type",
            paramLabel = "TYPE",
            description = "The data_type stamped on the records." + " Default: the descriptor's.")
    private String dataType;

    private long scored;
    private long failed;

    @Override
    public Integer call() throws CliException {
        ModelDescriptor descriptor = DescriptorFiles.read(descriptorFile);
        RecordBuilder records =
                RecordBuilder.forModel(descriptor, dataType != null ? dataType : descriptor.getDataType());
        try (InputStream in = openInput();
                RecordCsvReader reader = RecordCsvReader.open(inputName(), in);
                Model model = cli.loader(allowedRoots).load(descriptor)) {
            checkColumns(reader.layout(), descriptor, records.packedVector());
            if (out == null) {
                PrintWriter stdout = spec.commandLine().getOut();
                scoreAll(model, descriptor, records, reader, stdout);
                if (stdout.checkError()) {
                    throw new CliException("cannot write the results to standard output");
                }
            } else {
                OutputFiles.writeAtomically(out, stream -> {
                    Writer writer = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
                    scoreAll(model, descriptor, records, reader, writer);
                    writer.flush();
                });
            }
        } catch (ModelLoadException e) {
            throw new CliException(descriptorFile + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw IoMessages.failure("cannot score " + inputName(), e);
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println(ModelCli.PREFIX + "scored " + scored + ", failed " + failed);
        err.flush();
        return failed > 0 ? SOME_ROWS_FAILED : 0;
    }

    private void scoreAll(
            Model model, ModelDescriptor descriptor, RecordBuilder records, RecordCsvReader reader, Appendable output)
            throws IOException, CliException {
        ResultCsvWriter results = new ResultCsvWriter(output, descriptor.getName(), descriptor.getVersion());
        for (CsvRow row = reader.next(); row != null; row = reader.next()) {
            if (row.number() % STDOUT_CHECK_INTERVAL == 0
                    && output instanceof PrintWriter stdout
                    && stdout.checkError()) {
                // A closed pipe (e.g. `| head`): stop instead of scoring rows nobody reads.
                throw new CliException("standard output was closed after " + (row.number() - 1) + " rows");
            }
            String failure;
            try {
                DataRecord record = records.build(row);
                Prediction prediction = model.score(record);
                if (results.scored(row.id(), prediction)) {
                    scored++;
                } else {
                    failed++;
                }
                continue;
            } catch (RowException e) {
                failure = e.getMessage();
            } catch (ScoringException e) {
                failure = e.getMessage() + records.textCells(row);
            } catch (RuntimeException e) {
                // A model that throws on one record is that record's failure, as in the serving job.
                failure = "the model failed: " + e;
            }
            results.failed(row.id(), failure);
            failed++;
        }
        results.finish();
    }

    /** Every row would fail without a column the descriptor names: say so once instead. */
    private void checkColumns(CsvLayout layout, ModelDescriptor descriptor, boolean packedVector) throws CliException {
        Set<String> columns = new HashSet<>(layout.featureNames());
        List<String> missing = descriptor.getInput().getFeatureNamesList().stream()
                .filter(f -> !columns.contains(f))
                .toList();
        if (!missing.isEmpty()) {
            throw new CliException(inputName() + " has no column" + (missing.size() == 1 ? " " : "s ") + missing
                    + " (the model's features: " + descriptor.getInput().getFeatureNamesList() + ")");
        }
        if (packedVector && layout.featureColumns().isEmpty()) {
            throw new CliException(inputName() + " has no feature columns to form the model's input vector");
        }
    }

    private InputStream openInput() throws CliException {
        if (STDIN.equals(input)) {
            return new NonClosingInputStream(cli.stdin());
        }
        Path path = Path.of(input);
        if (Files.isDirectory(path)) {
            throw new CliException("input " + input + " is a directory, not a CSV file");
        }
        try {
            return Files.newInputStream(path);
        } catch (IOException e) {
            throw IoMessages.failure("cannot read input", e);
        }
    }

    private String inputName() {
        return STDIN.equals(input) ? "standard input" : input;
    }
}
