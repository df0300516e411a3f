package dev.modelserving.deploy.cli;

import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl remove}: asks the serving jobs to stop serving a model, by publishing a REMOVE command descriptor
 * (a tombstone) to the model topic. Records of that data type are then answered NO_MODEL.
 */
@Command(
        name = "remove",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Makes the serving job stop serving a model (a REMOVE descriptor on the model topic); its records are then"
                    + " answered NO_MODEL. Check the outcome with `modelctl list --history`.",
            "Like a deployment, the command takes the next version number of the model (--version, by default the"
                    + " newest on the model-event topic plus one): the job refuses a command that is not newer."
        },
        footer = {
            "",
            "Example:",
            "  modelctl remove --bootstrap-server localhost:9092 \\",
            "      --data-type sensor --name temperature-forecast --reason 'drifting' \\",
            "      --sign-key ops.pem --publisher ops"
        })
final class RemoveCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;

    @Mixin
    private ModelTopicOptions modelTopic;

    @Mixin
    private ModelCommandOptions model;

    @Mixin
    private CommandVersionOptions version;

    @Mixin
    private SigningOptions signing;

    @Override
    public Integer call() throws CliException {
        ModelDescriptor.Builder command = model.command(spec.commandLine(), ModelAction.REMOVE);
        command.setVersion(version.resolve(spec.commandLine(), modelTopic, command.getDataType(), command.getName()));
        modelTopic.send(
                signing.apply(spec.commandLine(), List.of(command.build())),
                spec.commandLine().getOut());
        return 0;
    }
}
