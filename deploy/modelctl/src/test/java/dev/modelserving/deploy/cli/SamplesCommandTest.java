package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.deploy.samples.SampleModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplesCommandTest {

    @TempDir
    Path dir;

    @Test
    void writesSamplesThatTheScoreCommandServes() throws Exception {
        CliRunner.Result samples = CliRunner.run("samples", "--out", dir.toString());
        assertThat(samples.exitCode()).as(samples.err()).isZero();
        Path descriptor = dir.resolve(SampleModels.TEMPERATURE_FORECAST + "-v1.descriptor.pb");
        assertThat(samples.out()).contains(descriptor.toString());
        assertThat(dir.resolve(SampleModels.READINGS_CSV)).exists();

        CliRunner.Result scored = CliRunner.run(
                "score",
                "--descriptor",
                descriptor.toString(),
                "--input",
                dir.resolve(SampleModels.FEATURES_CSV).toString());
        assertThat(scored.exitCode()).as(scored.err()).isZero();
        List<String> lines = scored.out().lines().toList();
        assertThat(lines).hasSize(SampleModels.CSV_ROWS + 1);
        assertThat(lines.get(0)).startsWith("id,status,model,version,output_0");
        assertThat(lines.subList(1, lines.size())).allSatisfy(line -> {
            assertThat(line).contains(",SCORED," + SampleModels.TEMPERATURE_FORECAST + ",1,");
            double forecast = Double.parseDouble(line.split(",")[4]);
            assertThat(forecast).isBetween(20.0, 110.0);
        });
    }

    @Test
    void anUnwritableDirectoryIsOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        CliRunner.Result result =
                CliRunner.run("samples", "--out", file.resolve("sub").toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err().strip().lines()).singleElement().asString().startsWith("modelctl: ");
    }
}
