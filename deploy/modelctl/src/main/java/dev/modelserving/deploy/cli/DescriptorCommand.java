package dev.modelserving.deploy.cli;

import dev.modelserving.proto.ModelDescriptor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
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
            ModelOptions.SAMPLES_CSV_HELP,
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

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;

    @ArgGroup(exclusive = false, multiplicity = "1")
    private ModelOptions modelOptions;

    @Option(
            names = "--allowed-root",
            paramLabel = "DIR",
            description = "With --location: a directory the model may"
                    + " be under when validating (repeatable). Default: the model's own directory.")
    private List<Path> allowedRoots = new ArrayList<>();

    @Option(
            names = "--no-validate",
            description = "Write the descriptor without loading the model or checking the"
                    + " samples (samples without expected columns still need the model).")
    private boolean noValidate;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE",
            description = "Where to write the descriptor" + " (binary protobuf; replaced only when complete).")
    private Path out;

    @Override
    public Integer call() throws CliException {
        refuseToOverwrite(modelOptions.model, "--model");
        if (modelOptions.samples != null) {
            refuseToOverwrite(modelOptions.samples, "--samples");
        }
        DescriptorBuilder.Built built =
                new DescriptorBuilder(modelOptions, cli::loader, allowedRoots, noValidate).build(spec.commandLine());
        ModelDescriptor descriptor = built.descriptor();
        DescriptorFiles.write(out, descriptor);
        PrintWriter err = spec.commandLine().getErr();
        built.notes().forEach(note -> err.println(ModelCli.PREFIX + note));
        err.println(ModelCli.PREFIX + "wrote " + out + ": " + descriptor.getName() + " v" + descriptor.getVersion()
                + " (" + descriptor.getModelType() + "), sha256 "
                + (descriptor.getArtifactSha256().isEmpty()
                        ? "(directory, not hashed)"
                        : descriptor.getArtifactSha256())
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
                throw new ParameterException(
                        spec.commandLine(),
                        "--out " + out + " is the same file as " + option + "; it would be overwritten");
            }
        } catch (IOException e) {
            throw IoMessages.failure("cannot compare --out " + out + " with " + option + " " + input, e);
        }
    }
}
