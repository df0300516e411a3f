package dev.modelserving.deploy.cli;

import dev.modelserving.model.ModelLoader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs {@code modelctl} in-process, as {@link ModelCli#main} would, with captured stdout and stderr. */
final class CliRunner {

    /** What one run produced. */
    record Result(int exitCode, String out, String err) {

        /** The non-empty lines of stderr. */
        java.util.List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private CliRunner() {}

    static Result run(String... args) {
        return runWithStdin("", args);
    }

    static Result runWithStdin(String stdin, String... args) {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        CommandLine commandLine = ModelCli.commandLine(new ModelCli(ModelLoader::withDiscoveredFactories, in));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
