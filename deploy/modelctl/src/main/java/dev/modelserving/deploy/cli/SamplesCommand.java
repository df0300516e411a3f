package dev.modelserving.deploy.cli;

import dev.modelserving.deploy.samples.SampleModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl samples}: trains the project's sample models on generated sensor data (fixed seeds) and writes
 * their descriptors, raw artifacts and a CSV of readings, ready for {@code score} and {@code show}.
 */
@Command(
        name = "samples",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Trains the sample models (PMML regression and tree, TensorFlow MLP as SavedModel and frozen graph, ONNX"
                    + " logistic regression) on generated sensor data with fixed seeds, and writes their descriptors"
                    + " (*.descriptor.pb), raw artifacts and " + SampleModels.READINGS_CSV + "."
        })
final class SamplesCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Directory to write into (created if missing; existing sample files are replaced).")
    private Path out;

    @Override
    public Integer call() throws CliException {
        List<Path> written;
        try {
            Files.createDirectories(out);
            written = SampleModels.writeAll(out);
        } catch (IOException e) {
            throw new CliException("cannot write the samples to " + out + ": " + IoMessages.describe(e), e);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        written.forEach(stdout::println);
        stdout.flush();
        return 0;
    }
}
