package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.pmml.WineQualityPmml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PMML model with a categorical input, through {@code modelctl descriptor --samples} and {@code modelctl score}. */
class CategoricalSamplesCliTest {

    @TempDir
    Path dir;

    @Test
    void samplesAndScoredRowsCarryTheCategoryAsText() throws Exception {
        Path model = Files.write(dir.resolve("wine-quality.pmml"), WineQualityPmml.bytes(null));
        Path samples = CliFiles.write(
                dir.resolve("samples.csv"),
                "fixed acidity,alcohol,colour,expected\n7.0,10.0,red,%s\n7.0,10.0,white,%s\n"
                        .formatted(
                                WineQualityPmml.quality(7.0, 10.0, "red"),
                                WineQualityPmml.quality(7.0, 10.0, "white")));
        Path descriptor = dir.resolve("wine-v1.pb");
        CliRunner.Result made = CliRunner.run(
                "descriptor",
                "--model",
                model.toString(),
                "--name",
                "wine-quality",
                "--version",
                "1",
                "--data-type",
                "wine",
                "--samples",
                samples.toString(),
                "--out",
                descriptor.toString());
        assertThat(made.exitCode()).as(made.err()).isZero();

        // Expectations swapped between the colours: validation must fail, so colour is really used.
        Path swapped = CliFiles.write(
                dir.resolve("swapped.csv"),
                "fixed acidity,alcohol,colour,expected\n7.0,10.0,white,%s\n"
                        .formatted(WineQualityPmml.quality(7.0, 10.0, "red")));
        CliRunner.Result refused = CliRunner.run(
                "descriptor",
                "--model",
                model.toString(),
                "--name",
                "wine-quality",
                "--version",
                "1",
                "--data-type",
                "wine",
                "--samples",
                swapped.toString(),
                "--out",
                dir.resolve("x.pb").toString());
        assertThat(refused.exitCode()).isNotZero();

        Path input = CliFiles.write(
                dir.resolve("wines.csv"), "id,fixed acidity,alcohol,colour\nw-1,7.4,9.4,red\nw-2,6.3,10.5,white\n");
        CliRunner.Result scored =
                CliRunner.run("score", "--descriptor", descriptor.toString(), "--input", input.toString());
        assertThat(scored.exitCode()).as(scored.err()).isZero();
        List<Map<String, String>> rows = CliFiles.rows(scored.out());
        assertThat(Double.parseDouble(rows.get(0).get("output_0"))).isEqualTo(WineQualityPmml.quality(7.4, 9.4, "red"));
        assertThat(Double.parseDouble(rows.get(1).get("output_0")))
                .isEqualTo(WineQualityPmml.quality(6.3, 10.5, "white"));
    }
}
