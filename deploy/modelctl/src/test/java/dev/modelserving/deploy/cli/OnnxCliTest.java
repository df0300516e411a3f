package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.Checksums;
import dev.modelserving.model.onnx.OnnxTestModels;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modelctl descriptor} and {@code score} on ONNX models built by the factories' fixtures, compared with the
 * fixtures' plain-Java forward pass.
 */
class OnnxCliTest {

    @TempDir
    Path dir;

    @Test
    void classifierFromNamedFeaturesScoresLikeThePlainJavaForwardPass() throws Exception {
        Path model = Files.write(dir.resolve("classifier.onnx"), OnnxTestModels.classifier());
        StringBuilder samples = new StringBuilder("id,x1,x2,x3,expected_0,expected_1,expected_2,expected_label\n");
        for (int i = 0; i < OnnxTestModels.SAMPLE_ROWS.length; i++) {
            double[] x = OnnxTestModels.SAMPLE_ROWS[i];
            double[] p = OnnxTestModels.classifierProbabilities(x);
            samples.append("s")
                    .append(i)
                    .append(',')
                    .append(x[0])
                    .append(',')
                    .append(x[1])
                    .append(',')
                    .append(x[2])
                    .append(',')
                    .append(p[0])
                    .append(',')
                    .append(p[1])
                    .append(',')
                    .append(p[2])
                    .append(',')
                    .append(OnnxTestModels.CLASS_LABELS.get(OnnxTestModels.classifierArgmax(x)))
                    .append('\n');
        }
        Path out = dir.resolve("classifier.desc");

        CliRunner.Result made = CliRunner.run(
                "descriptor",
                "--model",
                model.toString(),
                "--name",
                "risk",
                "--version",
                "1",
                "--data-type",
                "machines",
                "--features",
                "x1,x2,x3",
                "--output-tensors",
                "probabilities",
                "--output-kind",
                "classification",
                "--labels",
                "low,medium,high",
                "--samples",
                CliFiles.write(dir.resolve("samples.csv"), samples.toString()).toString(),
                "--out",
                out.toString());

        assertThat(made.exitCode()).as(made.err()).isZero();
        ModelDescriptor descriptor = CliFiles.readDescriptor(out);
        assertThat(descriptor.getModelType()).isEqualTo(ModelType.ONNX);
        assertThat(descriptor.getArtifactSha256()).isEqualTo(Checksums.sha256Hex(OnnxTestModels.classifier()));
        assertThat(descriptor.getValidationSamplesCount()).isEqualTo(OnnxTestModels.SAMPLE_ROWS.length);

        Random random = new Random(5);
        double[][] rows = new double[30][3];
        // Columns in a different order than the model's features: named features are matched by name.
        StringBuilder input = new StringBuilder("x3,id,x1,x2\n");
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < 3; j++) {
                rows[i][j] = -3 + 6 * random.nextDouble();
            }
            input.append(rows[i][2])
                    .append(",r")
                    .append(i)
                    .append(',')
                    .append(rows[i][0])
                    .append(',')
                    .append(rows[i][1])
                    .append('\n');
        }
        CliRunner.Result scored = CliRunner.run(
                "score",
                "--descriptor",
                out.toString(),
                "--input",
                CliFiles.write(dir.resolve("input.csv"), input.toString()).toString());

        assertThat(scored.exitCode()).as(scored.err()).isZero();
        assertThat(CliFiles.header(scored.out()))
                .containsExactly(
                        "id",
                        "status",
                        "model",
                        "version",
                        "output_0",
                        "output_1",
                        "output_2",
                        "label",
                        "p_low",
                        "p_medium",
                        "p_high",
                        "error");
        List<Map<String, String>> results = CliFiles.rows(scored.out());
        assertThat(results).hasSize(rows.length);
        for (int i = 0; i < rows.length; i++) {
            Map<String, String> row = results.get(i);
            double[] expected = OnnxTestModels.classifierProbabilities(rows[i]);
            assertThat(row)
                    .containsEntry("id", "r" + i)
                    .containsEntry("status", "SCORED")
                    .containsEntry("label", OnnxTestModels.CLASS_LABELS.get(OnnxTestModels.classifierArgmax(rows[i])));
            for (int k = 0; k < 3; k++) {
                assertThat(Double.parseDouble(row.get("output_" + k))).isCloseTo(expected[k], within(1e-6));
                assertThat(Double.parseDouble(row.get("p_" + OnnxTestModels.CLASS_LABELS.get(k))))
                        .isCloseTo(expected[k], within(1e-6));
            }
        }
    }

    @Test
    void packedVectorModelTakesTheColumnsInOrderAndPinsItsSamples() throws Exception {
        Path model = Files.write(dir.resolve("image.onnx"), OnnxTestModels.packedRegressor());
        Path samples =
                CliFiles.write(dir.resolve("pixels.csv"), "id,a,b,c,d\nfirst,0.1,0.2,0.3,0.4\nsecond,1,-1,2,-2\n");
        Path out = dir.resolve("image.desc");

        CliRunner.Result made = CliRunner.run(
                "descriptor",
                "--model",
                model.toString(),
                "--name",
                "pixels",
                "--version",
                "2",
                "--data-type",
                "images",
                "--shape",
                "2,2",
                "--samples",
                samples.toString(),
                "--out",
                out.toString());

        assertThat(made.exitCode()).as(made.err()).isZero();
        assertThat(made.err()).contains("pins");
        ModelDescriptor descriptor = CliFiles.readDescriptor(out);
        assertThat(descriptor.getInput().getShapeList()).containsExactly(2L, 2L);
        assertThat(descriptor.getValidationSamples(0).getInput().getVectorList())
                .containsExactly(0.1f, 0.2f, 0.3f, 0.4f);
        assertThat(descriptor.getValidationSamples(1).getExpectedOutputs(0))
                .isCloseTo(OnnxTestModels.packedScore(new double[] {1, -1, 2, -2}), within(1e-6));

        Random random = new Random(9);
        double[][] rows = new double[20][4];
        StringBuilder input = new StringBuilder("p00,p01,p10,p11\n");
        for (double[] row : rows) {
            for (int j = 0; j < 4; j++) {
                row[j] = random.nextDouble();
            }
            input.append(row[0])
                    .append(',')
                    .append(row[1])
                    .append(',')
                    .append(row[2])
                    .append(',')
                    .append(row[3])
                    .append('\n');
        }
        input.append("1,2,,4\n");
        CliRunner.Result scored = CliRunner.run(
                "score",
                "--descriptor",
                out.toString(),
                "--input",
                CliFiles.write(dir.resolve("input.csv"), input.toString()).toString());

        assertThat(scored.exitCode()).isEqualTo(3);
        assertThat(scored.errLines()).containsExactly("modelctl: scored 20, failed 1");
        List<Map<String, String>> results = CliFiles.rows(scored.out());
        for (int i = 0; i < rows.length; i++) {
            float[] asFloat = {(float) rows[i][0], (float) rows[i][1], (float) rows[i][2], (float) rows[i][3]};
            double[] x = {asFloat[0], asFloat[1], asFloat[2], asFloat[3]};
            assertThat(results.get(i))
                    .containsEntry("id", Integer.toString(i + 1))
                    .containsEntry("status", "SCORED");
            assertThat(Double.parseDouble(results.get(i).get("output_0")))
                    .isCloseTo(OnnxTestModels.packedScore(x), within(1e-6));
        }
        assertThat(results.get(20)).containsEntry("status", "FAILED");
        assertThat(results.get(20).get("error")).contains("p10", "empty");
    }

    @Test
    void aWrongOutputTensorIsOneLineNamingIt() throws Exception {
        Path model = Files.write(dir.resolve("regressor.onnx"), OnnxTestModels.regressor());

        CliRunner.Result made = CliRunner.run(
                "descriptor",
                "--model",
                model.toString(),
                "--name",
                "r",
                "--version",
                "1",
                "--data-type",
                "d",
                "--features",
                "x1,x2,x3",
                "--output-tensors",
                "no_such_output",
                "--out",
                dir.resolve("r.desc").toString());

        assertThat(made.exitCode()).isEqualTo(1);
        assertThat(made.errLines()).hasSize(1);
        assertThat(made.err()).startsWith("modelctl: ").contains("no_such_output");
        assertThat(made.err()).doesNotContain("Exception", "\tat ");
    }
}
