package dev.modelserving.deploy.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/**
 * Reports a usage error (unknown option, missing or invalid value) as the reason and a one-line hint naming the
 * command's {@code --help}, with exit code 2, instead of the whole usage text, which buries the reason.
 */
final class UsageErrorReporter implements IParameterExceptionHandler {

    /** Exit code of a usage error. */
    static final int USAGE = 2;

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(ModelCli.PREFIX + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return USAGE;
    }
}
