package dev.modelserving.deploy.cli;

import static dev.modelserving.deploy.cli.CliPmmlModels.nextTemperature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.proto.ModelDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelctl score}: rows that cannot be scored, standard input, classifiers. */
class ScoreCommandPmmlTest {

    @TempDir
    Path dir;

    private Path regression;

    @BeforeEach
    void makeRegressionDescriptor() throws Exception {
        Path model = CliFiles.write(dir.resolve("model.pmml"), CliPmmlModels.NEXT_TEMPERATURE);
        Path samples = CliFiles.write(
                dir.resolve("samples.csv"),
                "temperature_c,fan_rpm,load_percent,expected\n" + "30,1000,50," + nextTemperature(30, 1000, 50) + "\n");
        regression = dir.resolve("regression.desc");
        List<String> args = new ArrayList<>(List.of(
                "descriptor",
                "--model",
                model.toString(),
                "--name",
                "next-temp",
                "--version",
                "1",
                "--data-type",
                "sensor",
                "--samples",
                samples.toString(),
                "--out",
                regression.toString()));
        args.addAll(List.of(CliPmmlModels.FIELD_MAPS));
        CliRunner.Result made = CliRunner.run(args.toArray(String[]::new));
        assertThat(made.exitCode()).as(made.err()).isZero();
    }

    @Test
    void rowsThatCannotBeScoredFailAndTheOthersAreScored() throws Exception {
        Path input = CliFiles.write(dir.resolve("input.csv"), """
                id,temperature_c,fan_rpm,load_percent,expected
                a,50,1500,20,
                missing,50,,20,
                text,50,fast,20,
                nan,NaN,1500,20,
                short,50,1500
                b,61.25,1700,80,
                """);

        CliRunner.Result result =
                CliRunner.run("score", "--descriptor", regression.toString(), "--input", input.toString());

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.errLines()).containsExactly("modelctl: scored 2, failed 4");
        List<Map<String, String>> rows = CliFiles.rows(result.out());
        assertThat(rows).extracting(r -> r.get("id")).containsExactly("a", "missing", "text", "nan", "short", "b");
        assertThat(rows)
                .extracting(r -> r.get("status"))
                .containsExactly("SCORED", "FAILED", "FAILED", "FAILED", "FAILED", "SCORED");
        assertThat(Double.parseDouble(rows.get(0).get("output_0")))
                .isCloseTo(nextTemperature(50, 1500, 20), within(1e-9));
        assertThat(Double.parseDouble(rows.get(5).get("output_0")))
                .isCloseTo(nextTemperature(61.25, 1700, 80), within(1e-9));
        assertThat(rows.get(1).get("error")).contains("fan_rpm");
        assertThat(rows.get(1).get("output_0")).isEmpty();
        assertThat(rows.get(2).get("error")).contains("fan_rpm", "fast");
        assertThat(rows.get(3).get("error")).contains("temperature_c", "NaN");
        assertThat(rows.get(4).get("error")).contains("3 cells", "5 columns");
        assertThat(rows)
                .allSatisfy(
                        r -> assertThat(r).containsEntry("model", "next-temp").containsEntry("version", "1"));
    }

    @Test
    void textColumnsTheModelDoesNotUseAreIgnored() throws Exception {
        Path input = CliFiles.write(
                dir.resolve("input.csv"),
                "id,machine_id,temperature_c,fan_rpm,load_percent\nr1,machine-07,50,1500,20\n");

        CliRunner.Result result =
                CliRunner.run("score", "--descriptor", regression.toString(), "--input", input.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        Map<String, String> row = CliFiles.rows(result.out()).get(0);
        assertThat(row).containsEntry("status", "SCORED");
        assertThat(Double.parseDouble(row.get("output_0"))).isCloseTo(nextTemperature(50, 1500, 20), within(1e-9));
    }

    @Test
    void failuresBeforeTheFirstScoredRowGetTheFullColumns() throws Exception {
        Path input = CliFiles.write(dir.resolve("input.csv"), "temperature_c,fan_rpm,load_percent\n,1,2\n10,1000,5\n");

        CliRunner.Result result =
                CliRunner.run("score", "--descriptor", regression.toString(), "--input", input.toString());

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(CliFiles.header(result.out()))
                .containsExactly("id", "status", "model", "version", "output_0", "label", "error");
        List<Map<String, String>> rows = CliFiles.rows(result.out());
        assertThat(rows).extracting(r -> r.get("id")).containsExactly("1", "2");
        assertThat(rows.get(0)).containsEntry("status", "FAILED");
        assertThat(rows.get(1)).containsEntry("status", "SCORED");
    }

    @Test
    void readsStandardInputAndKeepsFullPrecision() throws Exception {
        // 1/3 as the temperature: a result that needs all 17 significant digits.
        CliRunner.Result result = CliRunner.runWithStdin(
                "temperature_c,fan_rpm,load_percent\n" + (1.0 / 3) + ",0.3,0.7\n",
                "score",
                "--descriptor",
                regression.toString(),
                "--input",
                "-");

        assertThat(result.exitCode()).as(result.err()).isZero();
        String output = CliFiles.rows(result.out()).get(0).get("output_0");
        double value = Double.parseDouble(output);
        assertThat(value).isCloseTo(nextTemperature(1.0 / 3, 0.3, 0.7), within(1e-14));
        assertThat(output).isEqualTo(Double.toString(value));
        assertThat(output.length()).isGreaterThan(15);
    }

    @Test
    void classifierRowsCarryTheLabelAndOneProbabilityColumnPerClass() throws Exception {
        Path model = CliFiles.write(dir.resolve("overheat.pmml"), CliPmmlModels.OVERHEAT_TREE);
        Path samples = CliFiles.write(dir.resolve("tree-samples.csv"), "temperature,expected_label\n50,ok\n90,hot\n");
        Path descriptor = dir.resolve("overheat.desc");
        CliRunner.Result made = CliRunner.run(
                "descriptor",
                "--model",
                model.toString(),
                "--name",
                "overheat",
                "--version",
                "2",
                "--data-type",
                "sensor",
                "--field-map",
                "temperature=Temperature (C)",
                "--samples",
                samples.toString(),
                "--out",
                descriptor.toString());
        assertThat(made.exitCode()).as(made.err()).isZero();
        assertThat(CliFiles.readDescriptor(descriptor).getValidationSamples(1).getExpectedLabel())
                .isEqualTo("hot");

        Path input = CliFiles.write(dir.resolve("temps.csv"), "id,temperature\nx,69.5\ny,70.5\n");
        CliRunner.Result result =
                CliRunner.run("score", "--descriptor", descriptor.toString(), "--input", input.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> header = CliFiles.header(result.out());
        assertThat(header)
                .startsWith("id", "status", "model", "version")
                .endsWith("error")
                .contains("label");
        List<Map<String, String>> rows = CliFiles.rows(result.out());
        for (Map<String, String> row : rows) {
            double temperature = row.get("id").equals("x") ? 69.5 : 70.5;
            Map<String, Double> expected = CliPmmlModels.overheatProbabilities(temperature);
            assertThat(row.get("label")).isEqualTo(temperature <= 70 ? "ok" : "hot");
            for (var p : expected.entrySet()) {
                assertThat(Double.parseDouble(row.get("p_" + p.getKey()))).isCloseTo(p.getValue(), within(1e-12));
            }
        }
        assertThat(header).filteredOn(h -> h.startsWith("p_")).containsExactlyInAnyOrder("p_ok", "p_hot");
        assertThat(header).filteredOn(h -> h.startsWith("output_")).hasSize(2);
    }

    @Test
    void aMissingFeatureColumnNamedByTheDescriptorIsOneErrorNotOneFailurePerRow() throws Exception {
        ModelDescriptor withFeatures = CliFiles.readDescriptor(regression).toBuilder()
                .setInput(CliFiles.readDescriptor(regression).getInput().toBuilder()
                        .addFeatureNames("temperature_c")
                        .addFeatureNames("humidity"))
                .build();
        Path descriptor = dir.resolve("features.desc");
        Files.write(descriptor, withFeatures.toByteArray());
        Path input = CliFiles.write(dir.resolve("input.csv"), "temperature_c,fan_rpm,load_percent\n1,2,3\n");

        CliRunner.Result result =
                CliRunner.run("score", "--descriptor", descriptor.toString(), "--input", input.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines()).hasSize(1);
        assertThat(result.err()).contains("no column", "humidity");
    }
}
