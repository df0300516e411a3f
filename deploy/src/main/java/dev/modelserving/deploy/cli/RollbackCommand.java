package dev.modelserving.deploy.cli;

import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl rollback}: asks the serving jobs to serve an earlier version of a model again, by publishing a
 * ROLLBACK command descriptor to the model topic. The job keeps the versions it served; it answers with a
 * ROLLED_BACK model event (or REJECTED when it does not have that version: see {@code modelctl list --history}).
 */
@Command(
        name = "rollback",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Makes the serving job serve an earlier version of a model again (a ROLLBACK descriptor on the model"
                    + " topic). Check the outcome with `modelctl list --history`."
        },
        footer = {
            "",
            "Example:",
            "  modelctl rollback --bootstrap-server localhost:9092 \\",
            "      --data-type sensor --name temperature-forecast --to-version 1"
        })
final class RollbackCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Mixin
    private ModelTopicOptions modelTopic;

    @Mixin
    private ModelCommandOptions model;

    @Option(names = "--to-version", required = true, paramLabel = "N",
            description = "The earlier version to serve again (one the job has served and kept).")
    private long toVersion;

    @Override
    public Integer call() throws CliException {
        if (toVersion < 1) {
            throw new ParameterException(spec.commandLine(), "--to-version must be 1 or more, not " + toVersion);
        }
        ModelDescriptor command = model.command(spec.commandLine(), ModelAction.ROLLBACK)
                .setRollbackToVersion(toVersion)
                .build();
        modelTopic.send(List.of(command), spec.commandLine().getOut());
        return 0;
    }
}
