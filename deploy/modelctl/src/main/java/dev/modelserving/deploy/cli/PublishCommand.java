package dev.modelserving.deploy.cli;

import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl publish}: sends models to the model topic of running serving jobs, after loading and validating
 * each one here exactly as the job will (so a broken model never reaches the topic). A model is given either as
 * descriptor files (made with {@code modelctl descriptor}) or as a model file with the same flags as
 * {@code descriptor}, built on the fly. The record key is the data type, so the descriptors of one data type stay in
 * order.
 */
@Command(
        name = "publish",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Publishes models to the serving job's model topic: descriptor files (made with `modelctl descriptor`), or"
                    + " a model file with the flags of `modelctl descriptor` (the descriptor is built on the fly:"
                    + " sha256, validation samples from --samples). Each is loaded and validated first; the Kafka"
                    + " record key is its data type."
        },
        footer = {
            "",
            ModelOptions.SAMPLES_CSV_HELP,
            "",
            "Examples:",
            "  modelctl publish --bootstrap-server localhost:9092 temperature-v3.desc",
            "  modelctl publish --bootstrap-server localhost:9092 --sign-key ci.pem --publisher ci temperature-v3.desc",
            "  modelctl publish --bootstrap-server localhost:9092 --model temp.pmml --name temperature --version 3 \\",
            "      --data-type sensor --field-map 'temperature_c=Temperature (C)' --samples samples.csv"
        })
final class PublishCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @ParentCommand
    private ModelCli cli;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;

    @Mixin
    private ModelTopicOptions modelTopic;

    @Mixin
    private SigningOptions signing;

    @Mixin
    private PublishVersionCheck versionCheck;

    @Option(
            names = "--allowed-root",
            paramLabel = "DIR",
            description = "Directory that artifact locations may point into when validating (repeatable). With"
                    + " --model --location, default: the model's own directory.")
    private List<Path> allowedRoots = new ArrayList<>();

    @Option(names = "--no-validate", description = "Publish without loading and validating the model first.")
    private boolean noValidate;

    @ArgGroup(exclusive = false, multiplicity = "0..1")
    private ModelOptions modelOptions;

    @Parameters(
            arity = "0..*",
            paramLabel = "DESCRIPTOR",
            description = "Descriptor files (binary ModelDescriptor), published in this order; or none with --model.")
    private List<Path> files = new ArrayList<>();

    @Override
    public Integer call() throws CliException {
        if (modelOptions == null && files.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "nothing to publish: give descriptor files, or --model"
                            + " with --name, --version and --data-type");
        }
        if (modelOptions != null && !files.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(),
                    "give either descriptor files " + files + " or --model " + modelOptions.model + ", not both");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (modelOptions != null) {
            DescriptorBuilder.Built built;
            try {
                built = new DescriptorBuilder(modelOptions, cli::loader, allowedRoots, noValidate)
                        .build(spec.commandLine());
            } catch (CliException e) {
                throw new CliException("not published: " + e.getMessage(), e);
            }
            PrintWriter err = spec.commandLine().getErr();
            List<String> warnings = versionCheck.check(modelTopic, List.of(built.descriptor()));
            modelTopic.send(signing.apply(spec.commandLine(), List.of(built.descriptor())), out);
            PublishVersionCheck.warn(warnings, err);
            built.notes().forEach(note -> err.println(ModelCli.PREFIX + note));
            err.flush();
            return 0;
        }
        List<ModelDescriptor> descriptors = new ArrayList<>();
        for (Path file : files) {
            ModelDescriptor descriptor = DescriptorFiles.read(file);
            if (!noValidate && descriptor.getAction() == ModelAction.DEPLOY) {
                try (Model ignored = cli.loader(allowedRoots).load(descriptor)) {
                    // Loaded and validated: the job will accept it (unless a newer version already serves).
                } catch (ModelLoadException e) {
                    throw new CliException(file + ": not published: " + e.getMessage(), e);
                }
            }
            descriptors.add(descriptor);
        }
        List<String> warnings = versionCheck.check(modelTopic, descriptors);
        modelTopic.send(signing.apply(spec.commandLine(), descriptors), out);
        PublishVersionCheck.warn(warnings, spec.commandLine().getErr());
        return 0;
    }
}
