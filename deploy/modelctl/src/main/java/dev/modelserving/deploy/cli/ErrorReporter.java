package dev.modelserving.deploy.cli;

import dev.modelserving.model.ModelLoadException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception escaping a command into one line {@code modelctl: <message>} on stderr and exit code 1; the
 * stack trace follows only with {@code --verbose}. Usage errors never get here: picocli reports them with exit code 2.
 */
final class ErrorReporter implements IExecutionExceptionHandler {

    /** Exit code of a command that failed (bad input file, model that does not load or validate). */
    static final int FAILED = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        err.println(ModelCli.PREFIX + describe(e));
        if (verbose(parseResult)) {
            e.printStackTrace(err);
        }
        err.flush();
        return FAILED;
    }

    /** Whether {@code --verbose} was given, on the top command or a subcommand. */
    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult r = parseResult; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** The one-line description of a failure. */
    static String describe(Throwable e) {
        if (e instanceof CliException || e instanceof ModelLoadException) {
            return oneLine(e.getMessage());
        }
        if (e instanceof UncheckedIOException u) {
            return oneLine(IoMessages.describe(u.getCause()));
        }
        return "internal error: " + oneLine(String.valueOf(e)) + " (run with --verbose for the stack trace)";
    }

    private static String oneLine(String message) {
        return message == null
                ? "(no message)"
                : message.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
