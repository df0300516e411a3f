package dev.modelserving.deploy.cli;

import static dev.modelserving.deploy.cli.CliPmmlModels.nextTemperature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.Checksums;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.FieldMapping;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.ValidationSample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelctl descriptor} then {@code modelctl score} on a PMML regression with spaced field names. */
class DescriptorCommandPmmlTest {

    @TempDir
    Path dir;

    private Path pmml() throws Exception {
        return CliFiles.write(dir.resolve("next-temperature.pmml"), CliPmmlModels.NEXT_TEMPERATURE);
    }

    private List<String> descriptorArgs(Path model, Path samples, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "descriptor",
                "--model",
                model.toString(),
                "--name",
                "next-temperature",
                "--version",
                "3",
                "--data-type",
                "sensor",
                "--description",
                "next temperature from the current reading",
                "--samples",
                samples.toString(),
                "--out",
                out.toString(),
                "--training-data",
                "generator-seed-42",
                "--code-version",
                "abc123",
                "--metric",
                "rmse=0.41"));
        args.addAll(List.of(CliPmmlModels.FIELD_MAPS));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void descriptorFromSamplesThenScoreGivesTheRegressionFormula() throws Exception {
        Path model = pmml();
        String samples = "id,temperature_c,fan_rpm,load_percent,expected\n"
                + "s1,55.0,1800,40," + nextTemperature(55.0, 1800, 40) + "\n"
                + "s2,71.5,1200,95," + nextTemperature(71.5, 1200, 95) + "\n"
                + "s3,20,2400,0," + nextTemperature(20, 2400, 0) + "\n";
        Path out = dir.resolve("next-temperature.desc");

        CliRunner.Result made =
                CliRunner.run(descriptorArgs(model, CliFiles.write(dir.resolve("samples.csv"), samples), out)
                        .toArray(String[]::new));

        assertThat(made.exitCode()).as(made.err()).isZero();
        assertThat(made.errLines()).hasSize(1);
        assertThat(made.err())
                .contains(
                        "next-temperature v3",
                        "PMML",
                        "3 validation samples",
                        out.toString(),
                        Checksums.sha256Hex(Files.readAllBytes(model)));
        ModelDescriptor descriptor = CliFiles.readDescriptor(out);
        assertThat(descriptor.getName()).isEqualTo("next-temperature");
        assertThat(descriptor.getVersion()).isEqualTo(3);
        assertThat(descriptor.getDataType()).isEqualTo("sensor");
        assertThat(descriptor.getModelType()).isEqualTo(ModelType.PMML);
        assertThat(descriptor.getArtifactBytes().toString(StandardCharsets.UTF_8))
                .isEqualTo(CliPmmlModels.NEXT_TEMPERATURE);
        assertThat(descriptor.getArtifactSha256()).isEqualTo(Checksums.sha256Hex(Files.readAllBytes(model)));
        assertThat(descriptor.getInput().getFieldMappingList())
                .containsExactly(
                        mapping("temperature_c", "Temperature (C)"),
                        mapping("fan_rpm", "Fan speed (rpm)"),
                        mapping("load_percent", "Load %"));
        assertThat(descriptor.getValidationSamplesList()).hasSize(3);
        ValidationSample second = descriptor.getValidationSamples(1);
        assertThat(second.getInput().getFeaturesMap())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("temperature_c", 71.5, "fan_rpm", 1200.0, "load_percent", 95.0));
        assertThat(second.getInput().getId()).isEqualTo("s2");
        assertThat(second.getExpectedOutputsList()).containsExactly(nextTemperature(71.5, 1200, 95));
        assertThat(descriptor.getProvenance().getTrainingDataId()).isEqualTo("generator-seed-42");
        assertThat(descriptor.getProvenance().getCodeVersion()).isEqualTo("abc123");
        assertThat(descriptor.getProvenance().getQualityMetricName()).isEqualTo("rmse");
        assertThat(descriptor.getProvenance().getQualityMetricValue()).isEqualTo(0.41);
        assertThat(descriptor.getProvenance().getCreatedAtEpochMillis()).isPositive();

        Random random = new Random(7);
        StringBuilder input = new StringBuilder("id,temperature_c,fan_rpm,load_percent\n");
        double[][] rows = new double[25][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {
                15 + 70 * random.nextDouble(), 800 + 2000 * random.nextDouble(), 100 * random.nextDouble()
            };
            input.append("r")
                    .append(i)
                    .append(',')
                    .append(rows[i][0])
                    .append(',')
                    .append(rows[i][1])
                    .append(',')
                    .append(rows[i][2])
                    .append('\n');
        }
        Path results = dir.resolve("results.csv");
        CliRunner.Result scored = CliRunner.run(
                "score",
                "--descriptor",
                out.toString(),
                "--input",
                CliFiles.write(dir.resolve("input.csv"), input.toString()).toString(),
                "--out",
                results.toString());

        assertThat(scored.exitCode()).as(scored.err()).isZero();
        assertThat(scored.out()).isEmpty();
        assertThat(scored.errLines()).containsExactly("modelctl: scored 25, failed 0");
        String csv = Files.readString(results);
        assertThat(CliFiles.header(csv))
                .containsExactly("id", "status", "model", "version", "output_0", "label", "error");
        List<Map<String, String>> lines = CliFiles.rows(csv);
        assertThat(lines).hasSize(rows.length);
        for (int i = 0; i < rows.length; i++) {
            Map<String, String> line = lines.get(i);
            assertThat(line)
                    .containsEntry("id", "r" + i)
                    .containsEntry("status", "SCORED")
                    .containsEntry("model", "next-temperature")
                    .containsEntry("version", "3")
                    .containsEntry("label", "")
                    .containsEntry("error", "");
            double expected = nextTemperature(rows[i][0], rows[i][1], rows[i][2]);
            assertThat(Double.parseDouble(line.get("output_0")))
                    .isCloseTo(expected, within(1e-12 * Math.abs(expected)));
        }
    }

    @Test
    void samplesWithoutExpectedColumnsArePinnedToTheModelsOutputs() throws Exception {
        Path samples = CliFiles.write(
                dir.resolve("samples.csv"), "temperature_c,fan_rpm,load_percent\n40,1500,10\n80,900,99\n");
        Path out = dir.resolve("pinned.desc");

        CliRunner.Result made =
                CliRunner.run(descriptorArgs(pmml(), samples, out).toArray(String[]::new));

        assertThat(made.exitCode()).as(made.err()).isZero();
        assertThat(made.errLines()).hasSize(2);
        assertThat(made.errLines().get(0)).contains("no expected columns", "2 samples", "pins");
        ModelDescriptor descriptor = CliFiles.readDescriptor(out);
        assertThat(descriptor.getValidationSamplesList()).hasSize(2);
        assertThat(descriptor.getValidationSamples(0).getExpectedOutputs(0))
                .isCloseTo(nextTemperature(40, 1500, 10), within(1e-9));
        assertThat(descriptor.getValidationSamples(1).getExpectedOutputs(0))
                .isCloseTo(nextTemperature(80, 900, 99), within(1e-9));
        assertThat(descriptor.getValidationSamples(1).getInput().getId()).isEqualTo("2");
        try (Model model =
                ModelLoader.withDiscoveredFactories(LoadPolicy.defaults()).load(descriptor)) {
            DataRecord record = DataRecord.newBuilder()
                    .putFeatures("temperature_c", 40)
                    .putFeatures("fan_rpm", 1500)
                    .putFeatures("load_percent", 10)
                    .build();
            assertThat(model.score(record).outputs()[0]).isCloseTo(nextTemperature(40, 1500, 10), within(1e-9));
        }
    }

    @Test
    void aWrongExpectedValueFailsWithOneLineNamingTheSample() throws Exception {
        Path samples = CliFiles.write(
                dir.resolve("samples.csv"),
                "id,temperature_c,fan_rpm,load_percent,expected\n"
                        + "good,55.0,1800,40," + nextTemperature(55.0, 1800, 40) + "\n"
                        + "bad,60.0,1800,40," + (nextTemperature(60.0, 1800, 40) + 0.5) + "\n");
        Path out = dir.resolve("wrong.desc");

        CliRunner.Result made =
                CliRunner.run(descriptorArgs(pmml(), samples, out).toArray(String[]::new));

        assertThat(made.exitCode()).isEqualTo(1);
        assertThat(made.errLines()).hasSize(1);
        assertThat(made.err())
                .startsWith("modelctl: ")
                .contains("row 2", "id bad", "output 0")
                .doesNotContain("Exception", "\tat ");
        assertThat(out).doesNotExist();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }

    @Test
    void aFieldMapNamingAnUnknownPmmlFieldIsRefusedWithTheModelsFields() throws Exception {
        Path samples = CliFiles.write(
                dir.resolve("samples.csv"), "temperature_c,fan_rpm,load_percent,humidity\n" + "40,1500,10,3\n");
        List<String> args =
                descriptorArgs(pmml(), samples, dir.resolve("x.desc"), "--field-map", "humidity=Humidity percent");

        CliRunner.Result made = CliRunner.run(args.toArray(String[]::new));

        assertThat(made.exitCode()).isEqualTo(1);
        assertThat(made.errLines()).hasSize(1);
        assertThat(made.err()).contains("SPEC_MISMATCH", "Humidity percent");
    }

    @Test
    void aLocationDescriptorRecordsTheAbsolutePathAndItsHash() throws Exception {
        Path model = pmml();
        Path samples = CliFiles.write(dir.resolve("samples.csv"), "temperature_c,fan_rpm,load_percent\n40,1500,10\n");
        Path out = dir.resolve("located.desc");

        CliRunner.Result made =
                CliRunner.run(descriptorArgs(model, samples, out, "--location").toArray(String[]::new));

        assertThat(made.exitCode()).as(made.err()).isZero();
        ModelDescriptor descriptor = CliFiles.readDescriptor(out);
        assertThat(descriptor.getArtifactCase()).isEqualTo(ModelDescriptor.ArtifactCase.ARTIFACT_LOCATION);
        assertThat(descriptor.getArtifactLocation())
                .isEqualTo(model.toAbsolutePath().toString());
        assertThat(descriptor.getArtifactSha256()).isEqualTo(Checksums.sha256Hex(Files.readAllBytes(model)));

        Path input = CliFiles.write(dir.resolve("in.csv"), "temperature_c,fan_rpm,load_percent\n40,1500,10\n");
        CliRunner.Result refused = CliRunner.run("score", "--descriptor", out.toString(), "--input", input.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("LOCATION_NOT_ALLOWED").hasLineCount(1);

        CliRunner.Result allowed = CliRunner.run(
                "score", "--descriptor", out.toString(), "--input", input.toString(), "--allowed-root", dir.toString());
        assertThat(allowed.exitCode()).as(allowed.err()).isZero();
        assertThat(Double.parseDouble(CliFiles.rows(allowed.out()).get(0).get("output_0")))
                .isCloseTo(nextTemperature(40, 1500, 10), within(1e-9));
    }

    @Test
    void withoutSamplesTheDescriptorIsWrittenWithAWarning() throws Exception {
        Path out = dir.resolve("bare.desc");
        List<String> args = new ArrayList<>(List.of(
                "descriptor",
                "--model",
                pmml().toString(),
                "--name",
                "bare",
                "--version",
                "1",
                "--data-type",
                "sensor",
                "--out",
                out.toString()));
        args.addAll(List.of(CliPmmlModels.FIELD_MAPS));

        CliRunner.Result made = CliRunner.run(args.toArray(String[]::new));

        assertThat(made.exitCode()).as(made.err()).isZero();
        assertThat(made.errLines()).hasSize(2);
        assertThat(made.errLines().get(0)).contains("warning", "no validation samples");
        assertThat(made.errLines().get(1)).contains("0 validation samples", "validated");
        assertThat(CliFiles.readDescriptor(out).getValidationSamplesCount()).isZero();
    }

    @Test
    void noValidateWritesADescriptorTheLoaderWouldRefuse() throws Exception {
        Path samples = CliFiles.write(
                dir.resolve("samples.csv"), "temperature_c,fan_rpm,load_percent,expected\n" + "1,2,3,-1000\n");
        Path out = dir.resolve("unchecked.desc");

        CliRunner.Result made = CliRunner.run(
                descriptorArgs(pmml(), samples, out, "--no-validate").toArray(String[]::new));

        assertThat(made.exitCode()).as(made.err()).isZero();
        assertThat(made.err()).contains("not validated");
        assertThat(CliFiles.readDescriptor(out).getValidationSamples(0).getExpectedOutputs(0))
                .isEqualTo(-1000.0);
        CliRunner.Result scored = CliRunner.run("score", "--descriptor", out.toString(), "--input", samples.toString());
        assertThat(scored.exitCode()).isEqualTo(1);
        assertThat(scored.err())
                .contains("VALIDATION_FAILED", "validation sample 0")
                .hasLineCount(1);
    }

    private static FieldMapping mapping(String feature, String field) {
        return FieldMapping.newBuilder()
                .setRecordFeature(feature)
                .setModelField(field)
                .build();
    }
}
