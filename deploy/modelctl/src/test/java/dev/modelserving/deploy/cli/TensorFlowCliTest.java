package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.Checksums;
import dev.modelserving.model.tensorflow.TfTestModels;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modelctl descriptor} and {@code score} on TensorFlow models exported by the factories' fixtures (a SavedModel
 * directory, its tar.gz, a frozen graph), compared with the fixtures' plain-Java forward pass.
 */
class TensorFlowCliTest {

    private static final String FEATURES = String.join(",", TfTestModels.FEATURE_NAMES);

    @TempDir
    static Path shared;

    private static Path savedModel;

    @TempDir
    Path dir;

    @BeforeAll
    static void exportSavedModel() {
        savedModel = TfTestModels.savedModelWithTwoSignatures(shared.resolve("saved-model"));
    }

    private static double[][] randomRows(int n, long seed) {
        Random random = new Random(seed);
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new double[] {
                -2 + 4 * random.nextDouble(), -2 + 4 * random.nextDouble(), -2 + 4 * random.nextDouble()
            };
        }
        return rows;
    }

    private static String csv(double[][] rows, boolean withExpectations) {
        StringBuilder csv = new StringBuilder(
                "id," + FEATURES + (withExpectations ? ",expected_0,expected_1,expected_label" : "") + "\n");
        for (int i = 0; i < rows.length; i++) {
            double[] x = rows[i];
            csv.append("r")
                    .append(i)
                    .append(',')
                    .append(x[0])
                    .append(',')
                    .append(x[1])
                    .append(',')
                    .append(x[2]);
            if (withExpectations) {
                double[] p = TfTestModels.probabilities(x);
                csv.append(',')
                        .append(p[0])
                        .append(',')
                        .append(p[1])
                        .append(',')
                        .append(TfTestModels.CLASS_NAMES.get(TfTestModels.predictedClass(x)));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    @Test
    void savedModelDirectoryWithANonDefaultSignatureScoresLikeThePlainJavaForwardPass() throws Exception {
        Path samples = CliFiles.write(dir.resolve("samples.csv"), csv(randomRows(5, 1), true));
        Path out = dir.resolve("overheat.desc");
        String[] args = {
            "descriptor",
            "--model",
            savedModel.toString(),
            "--name",
            "overheat",
            "--version",
            "1",
            "--data-type",
            "sensor",
            "--features",
            FEATURES,
            "--signature",
            "predict",
            "--output-tensors",
            TfTestModels.PROBABILITIES,
            "--output-kind",
            "CLASSIFICATION",
            "--labels",
            String.join(",", TfTestModels.CLASS_NAMES),
            "--samples",
            samples.toString(),
            "--out",
            out.toString()
        };

        CliRunner.Result made = CliRunner.run(args);

        assertThat(made.exitCode()).as(made.err()).isZero();
        ModelDescriptor descriptor = CliFiles.readDescriptor(out);
        assertThat(descriptor.getModelType()).isEqualTo(ModelType.TENSORFLOW_SAVED_MODEL);
        assertThat(descriptor.getArtifactBytes().substring(0, 2).toStringUtf8()).isEqualTo("PK");
        assertThat(descriptor.getArtifactSha256())
                .isEqualTo(Checksums.sha256Hex(descriptor.getArtifactBytes().toByteArray()));
        assertThat(descriptor.getInput().getSignatureKey()).isEqualTo("predict");

        // The same directory zips to the same bytes: the sha256 is stable.
        args[args.length - 1] = dir.resolve("again.desc").toString();
        assertThat(CliRunner.run(args).exitCode()).isZero();
        assertThat(CliFiles.readDescriptor(dir.resolve("again.desc")).getArtifactSha256())
                .isEqualTo(descriptor.getArtifactSha256());

        double[][] rows = randomRows(25, 2);
        CliRunner.Result scored = CliRunner.run(
                "score",
                "--descriptor",
                out.toString(),
                "--input",
                CliFiles.write(dir.resolve("input.csv"), csv(rows, false)).toString());

        assertThat(scored.exitCode()).as(scored.err()).isZero();
        assertThat(CliFiles.header(scored.out()))
                .containsExactly(
                        "id",
                        "status",
                        "model",
                        "version",
                        "output_0",
                        "output_1",
                        "label",
                        "p_normal",
                        "p_overheating",
                        "error");
        List<Map<String, String>> results = CliFiles.rows(scored.out());
        assertThat(results).hasSize(rows.length);
        for (int i = 0; i < rows.length; i++) {
            double[] expected = TfTestModels.probabilities(rows[i]);
            Map<String, String> row = results.get(i);
            assertThat(row)
                    .containsEntry("id", "r" + i)
                    .containsEntry("status", "SCORED")
                    .containsEntry("label", TfTestModels.CLASS_NAMES.get(TfTestModels.predictedClass(rows[i])));
            assertThat(Double.parseDouble(row.get("output_0"))).isCloseTo(expected[0], within(1e-5));
            assertThat(Double.parseDouble(row.get("output_1"))).isCloseTo(expected[1], within(1e-5));
        }
    }

    @Test
    void aSavedModelArchiveIsEmbeddedAsItIs() throws Exception {
        byte[] archive = TfTestModels.tarGz(savedModel, "");
        Path model = Files.write(dir.resolve("model.tar.gz"), archive);
        Path out = dir.resolve("regress.desc");

        CliRunner.Result made = CliRunner.run(
                "descriptor",
                "--model",
                model.toString(),
                "--name",
                "regress",
                "--version",
                "4",
                "--data-type",
                "sensor",
                "--features",
                FEATURES,
                "--signature",
                "regress",
                "--samples",
                CliFiles.write(dir.resolve("samples.csv"), csv(randomRows(3, 3), false))
                        .toString(),
                "--out",
                out.toString());

        assertThat(made.exitCode()).as(made.err()).isZero();
        ModelDescriptor descriptor = CliFiles.readDescriptor(out);
        assertThat(descriptor.getArtifactBytes().toByteArray()).isEqualTo(archive);
        assertThat(descriptor.getArtifactSha256()).isEqualTo(Checksums.sha256Hex(archive));
        double[] x = descriptor.getValidationSamples(2).getInput().getFeaturesMap().entrySet().stream()
                .sorted(Map.Entry.comparingByKey(
                        (a, b) -> TfTestModels.FEATURE_NAMES.indexOf(a) - TfTestModels.FEATURE_NAMES.indexOf(b)))
                .mapToDouble(Map.Entry::getValue)
                .toArray();
        assertThat(descriptor.getValidationSamples(2).getExpectedOutputs(0))
                .isCloseTo(TfTestModels.score(x), within(1e-5));
    }

    @Test
    void aSavedModelDirectoryByLocationIsNotHashedAndValidatesUnderItsOwnDirectory() throws Exception {
        Path out = dir.resolve("located.desc");

        CliRunner.Result made = CliRunner.run(
                "descriptor",
                "--model",
                savedModel.toString(),
                "--location",
                "--name",
                "regress",
                "--version",
                "1",
                "--data-type",
                "sensor",
                "--features",
                FEATURES,
                "--signature",
                "regress",
                "--samples",
                CliFiles.write(dir.resolve("samples.csv"), csv(randomRows(2, 4), false))
                        .toString(),
                "--out",
                out.toString());

        assertThat(made.exitCode()).as(made.err()).isZero();
        ModelDescriptor descriptor = CliFiles.readDescriptor(out);
        assertThat(descriptor.getArtifactLocation())
                .isEqualTo(savedModel.toAbsolutePath().toString());
        assertThat(descriptor.getArtifactSha256()).isEmpty();
        assertThat(made.err()).contains("not hashed");
    }

    @Test
    void frozenGraphScoresTheRegressionHead() throws Exception {
        Path model = Files.write(dir.resolve("model.pb"), TfTestModels.frozenGraph());
        double[][] samples = randomRows(4, 5);
        StringBuilder samplesCsv = new StringBuilder("temperature_c,fan_rpm,load_percent,expected\n");
        for (double[] x : samples) {
            samplesCsv
                    .append(x[0])
                    .append(',')
                    .append(x[1])
                    .append(',')
                    .append(x[2])
                    .append(',')
                    .append(TfTestModels.score(x))
                    .append('\n');
        }
        Path out = dir.resolve("graph.desc");

        CliRunner.Result made = CliRunner.run(
                "descriptor",
                "--model",
                model.toString(),
                "--name",
                "graph",
                "--version",
                "1",
                "--data-type",
                "sensor",
                "--features",
                FEATURES,
                "--input-tensor",
                TfTestModels.INPUT,
                "--output-tensors",
                TfTestModels.SCORE,
                "--output-kind",
                "REGRESSION",
                "--samples",
                CliFiles.write(dir.resolve("samples.csv"), samplesCsv.toString())
                        .toString(),
                "--out",
                out.toString());

        assertThat(made.exitCode()).as(made.err()).isZero();
        assertThat(CliFiles.readDescriptor(out).getModelType()).isEqualTo(ModelType.TENSORFLOW_GRAPH);
        double[][] rows = randomRows(10, 6);
        CliRunner.Result scored = CliRunner.run(
                "score",
                "--descriptor",
                out.toString(),
                "--input",
                CliFiles.write(dir.resolve("input.csv"), csv(rows, false)).toString());
        assertThat(scored.exitCode()).as(scored.err()).isZero();
        List<Map<String, String>> results = CliFiles.rows(scored.out());
        for (int i = 0; i < rows.length; i++) {
            assertThat(Double.parseDouble(results.get(i).get("output_0")))
                    .isCloseTo(TfTestModels.score(rows[i]), within(1e-5));
        }
    }
}
