package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** Errors are one line and an exit code, never a stack trace; usage errors exit 2; every option is documented. */
class ModelCliErrorsTest {

    @TempDir
    Path dir;

    private static void assertOneLineError(CliRunner.Result result, String... fragments) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err())
                .startsWith("modelctl: ")
                .contains(fragments)
                .doesNotContain("Exception", "at dev.", "at java.", "at picocli.");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void anUnknownDescriptorFileIsOneLine() {
        Path missing = dir.resolve("nope.desc");
        assertOneLineError(CliRunner.run("show", missing.toString()), "no such file", missing.toString());
        assertOneLineError(
                CliRunner.run("score", "--descriptor", missing.toString(), "--input", "-"),
                "no such file",
                missing.toString());
    }

    @Test
    void aGarbageDescriptorIsOneLine() throws Exception {
        byte[] random = new byte[4096];
        new Random(11).nextBytes(random);
        Path garbage = Files.write(dir.resolve("random.desc"), random);
        Path text = CliFiles.write(dir.resolve("model.pmml"), CliPmmlModels.NEXT_TEMPERATURE);
        Path empty = Files.write(dir.resolve("empty.desc"), new byte[0]);

        assertOneLineError(CliRunner.run("show", garbage.toString()), "not a ModelDescriptor");
        assertOneLineError(CliRunner.run("show", text.toString()), "not a ModelDescriptor");
        assertOneLineError(CliRunner.run("show", empty.toString()), "empty");
        assertOneLineError(
                CliRunner.run("score", "--descriptor", text.toString(), "--input", "-"), "not a ModelDescriptor");
        assertOneLineError(CliRunner.run("show", dir.toString()), "directory");
    }

    @Test
    void verboseAddsTheStackTrace() {
        Path missing = dir.resolve("nope.desc");
        CliRunner.Result result = CliRunner.run("show", "--verbose", missing.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines().get(0)).startsWith("modelctl: ");
        assertThat(result.err()).contains("CliException", "at dev.modelserving");
        assertThat(CliRunner.run("--verbose", "show", missing.toString()).err()).contains("at dev.modelserving");
    }

    @Test
    void anUnknownModelFileIsOneLine() {
        Path missing = dir.resolve("model.onnx");
        assertOneLineError(
                CliRunner.run(
                        "descriptor",
                        "--model",
                        missing.toString(),
                        "--name",
                        "m",
                        "--version",
                        "1",
                        "--data-type",
                        "d",
                        "--out",
                        dir.resolve("m.desc").toString()),
                "does not exist",
                missing.toString());
    }

    @Test
    void aModelWhoseTypeCannotBeToldAsksForType() throws Exception {
        Path model = CliFiles.write(dir.resolve("model.bin"), "x");
        assertOneLineError(
                CliRunner.run(
                        "descriptor",
                        "--model",
                        model.toString(),
                        "--name",
                        "m",
                        "--version",
                        "1",
                        "--data-type",
                        "d",
                        "--out",
                        dir.resolve("m.desc").toString()),
                "--type");
    }

    @Test
    void anUnreadableInputCsvIsOneLine() throws Exception {
        Path descriptor = Files.write(
                dir.resolve("m.desc"),
                dev.modelserving.proto.ModelDescriptor.newBuilder()
                        .setName("m")
                        .build()
                        .toByteArray());
        Path missing = dir.resolve("records.csv");
        assertOneLineError(
                CliRunner.run("score", "--descriptor", descriptor.toString(), "--input", missing.toString()),
                "no such file",
                missing.toString());
        Path badCsv = CliFiles.write(dir.resolve("bad.csv"), "a,a\n1,2\n");
        assertOneLineError(
                CliRunner.run("score", "--descriptor", descriptor.toString(), "--input", badCsv.toString()), "twice");
    }

    @Test
    void badFlagsAreUsageErrorsWithExitCode2() throws Exception {
        Path model = CliFiles.write(dir.resolve("m.pmml"), CliPmmlModels.NEXT_TEMPERATURE);
        String[] base = {
            "descriptor",
            "--model",
            model.toString(),
            "--name",
            "m",
            "--data-type",
            "d",
            "--out",
            dir.resolve("m.desc").toString()
        };

        CliRunner.Result versionZero = CliRunner.run(concat(base, "--version", "0"));
        assertThat(versionZero.exitCode()).isEqualTo(2);
        // The reason and a one-line hint, not the whole usage text.
        assertThat(versionZero.err().strip().lines())
                .containsExactly(
                        "modelctl: --version must be 1 or more, not 0", "Run 'modelctl descriptor --help' for usage.");

        assertThat(CliRunner.run(concat(base, "--version", "x")).exitCode()).isEqualTo(2);
        assertThat(CliRunner.run(concat(base, "--version", "1", "--type", "KERAS"))
                        .exitCode())
                .isEqualTo(2);
        assertThat(CliRunner.run(concat(base, "--version", "1", "--field-map", "no-equals"))
                        .exitCode())
                .isEqualTo(2);
        assertThat(CliRunner.run(concat(base, "--version", "1", "--metric", "rmse=high"))
                        .exitCode())
                .isEqualTo(2);
        assertThat(CliRunner.run(concat(base, "--version", "1", "--tolerance", "-1"))
                        .exitCode())
                .isEqualTo(2);
        CliRunner.Result tensorFlag = CliRunner.run(concat(base, "--version", "1", "--input-tensor", "x"));
        assertThat(tensorFlag.exitCode()).isEqualTo(2);
        assertThat(tensorFlag.err()).contains("--input-tensor does not apply to PMML models");
        CliRunner.Result overwrite = CliRunner.run(
                "descriptor",
                "--model",
                model.toString(),
                "--name",
                "m",
                "--version",
                "1",
                "--data-type",
                "d",
                "--out",
                model.toString());
        assertThat(overwrite.exitCode()).isEqualTo(2);
        assertThat(overwrite.err()).contains("same file as --model");
        assertThat(Files.readString(model)).isEqualTo(CliPmmlModels.NEXT_TEMPERATURE);
        assertThat(CliRunner.run("descriptor", "--name", "m").exitCode()).isEqualTo(2);
        assertThat(CliRunner.run("score", "--bogus").exitCode()).isEqualTo(2);
        assertThat(CliRunner.run("frobnicate").exitCode()).isEqualTo(2);
        assertThat(CliRunner.run().exitCode()).isEqualTo(2);
        assertThat(dir.resolve("m.desc")).doesNotExist();
    }

    @Test
    void helpOnEveryCommandDescribesEveryOption() {
        CommandLine commandLine = ModelCli.commandLine(new ModelCli());
        String[] commands = {"descriptor", "score", "show", "publish", "list", "rollback", "remove", "tail", "samples"};
        assertThat(commandLine.getSubcommands()).containsKeys(commands);
        for (String command : commands) {
            CliRunner.Result help = CliRunner.run(command, "--help");
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).contains("Usage: modelctl " + command);
            CommandSpec spec = commandLine.getSubcommands().get(command).getCommandSpec();
            for (OptionSpec option : spec.options()) {
                assertThat(option.description())
                        .as(command + " " + option.longestName())
                        .isNotEmpty();
                assertThat(String.join(" ", option.description()))
                        .as(command + " " + option.longestName())
                        .isNotBlank();
                assertThat(help.out()).contains(option.longestName());
            }
            for (PositionalParamSpec parameter : spec.positionalParameters()) {
                assertThat(parameter.description()).isNotEmpty();
            }
        }
        CliRunner.Result top = CliRunner.run("--help");
        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains(commands).contains("Exit codes");
        CliRunner.Result version = CliRunner.run("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("modelctl ").contains("model types:");
    }

    private static String[] concat(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
