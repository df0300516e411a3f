package dev.modelserving.deploy.cli;

import dev.modelserving.proto.ModelAction;
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
                    + " answered NO_MODEL. Check the outcome with `modelctl list --history`."
        },
        footer = {
            "",
            "Example:",
            "  modelctl remove --bootstrap-server localhost:9092 \\",
            "      --data-type sensor --name temperature-forecast --reason 'drifting'"
        })
final class RemoveCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Mixin
    private ModelTopicOptions modelTopic;

    @Mixin
    private ModelCommandOptions model;

    @Override
    public Integer call() throws CliException {
        modelTopic.send(List.of(model.command(spec.commandLine(), ModelAction.REMOVE).build()),
                spec.commandLine().getOut());
        return 0;
    }
}
