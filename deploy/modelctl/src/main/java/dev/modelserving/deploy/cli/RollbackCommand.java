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
                    + " topic). Check the outcome with `modelctl list --history`.",
            "Like a deployment, the command takes the next version number of the model (--version, by default the"
                    + " newest on the model-event topic plus one): the job refuses a command that is not newer, so a"
                    + " command replayed later cannot undo a newer change."
        },
        footer = {
            "",
            "Example:",
            "  modelctl rollback --bootstrap-server localhost:9092 \\",
            "      --data-type sensor --name temperature-forecast --to-version 1 \\",
            "      --sign-key ops.pem --publisher ops"
        })
final class RollbackCommand implements Callable<Integer> {

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

    @Option(
            names = "--to-version",
            required = true,
            paramLabel = "N",
            description = "The earlier version to serve again (one the job has served and kept).")
    private long toVersion;

    @Override
    public Integer call() throws CliException {
        if (toVersion < 1) {
            throw new ParameterException(spec.commandLine(), "--to-version must be 1 or more, not " + toVersion);
        }
        ModelDescriptor.Builder command =
                model.command(spec.commandLine(), ModelAction.ROLLBACK).setRollbackToVersion(toVersion);
        long taken = version.resolve(spec.commandLine(), modelTopic, command.getDataType(), command.getName());
        if (taken <= toVersion) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--version " + taken + " must be newer than --to-version " + toVersion
                            + " (a rollback takes the next version of the model)");
        }
        modelTopic.send(
                signing.apply(
                        spec.commandLine(), List.of(command.setVersion(taken).build())),
                spec.commandLine().getOut());
        return 0;
    }
}
