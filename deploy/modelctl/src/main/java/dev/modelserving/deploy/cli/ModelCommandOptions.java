package dev.modelserving.deploy.cli;

import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The model a command descriptor ({@code rollback}, {@code remove}) is about: its data type and name, and the reason
 * recorded in the descriptor's description (the serving job repeats it in the resulting model event).
 */
final class ModelCommandOptions {

    @Option(
            names = "--data-type",
            required = true,
            paramLabel = "TYPE",
            description = "The data type the model serves (the record key on the model topic).")
    private String dataType;

    @Option(names = "--name", required = true, description = "The model's name.")
    private String name;

    @Option(
            names = "--reason",
            paramLabel = "TEXT",
            description = "Why (stored as the descriptor's description; the job's model event repeats it).")
    private String reason;

    /** A command descriptor with this data type, name and reason; blank names are usage errors. */
    ModelDescriptor.Builder command(CommandLine commandLine, ModelAction action) {
        if (dataType.isBlank()) {
            throw new ParameterException(commandLine, "--data-type must not be blank");
        }
        if (name.isBlank()) {
            throw new ParameterException(commandLine, "--name must not be blank");
        }
        return ModelDescriptor.newBuilder()
                .setAction(action)
                .setDataType(dataType)
                .setName(name)
                .setDescription(reason == null ? "" : reason);
    }
}
