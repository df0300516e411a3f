package dev.modelserving.deploy.cli;

import static dev.modelserving.deploy.cli.CliPmmlModels.nextTemperature;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.proto.FeatureStatistics;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.TrainingStatistics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelctl descriptor --training-data CSV} stores the training statistics and the model's outputs on them. */
class DescriptorTrainingStatisticsTest {

    @TempDir
    Path dir;

    private CliRunner.Result descriptor(Path training, Path out, String... extra) throws Exception {
        Path model = CliFiles.write(dir.resolve("next-temperature.pmml"), CliPmmlModels.NEXT_TEMPERATURE);
        Path samples = CliFiles.write(
                dir.resolve("samples.csv"),
                "id,temperature_c,fan_rpm,load_percent,expected\n" + "s1,55.0,1800,40,"
                        + nextTemperature(55.0, 1800, 40) + "\n");
        List<String> args = new ArrayList<>(List.of(
                "descriptor",
                "--model",
                model.toString(),
                "--name",
                "next-temperature",
                "--version",
                "1",
                "--data-type",
                "sensor",
                "--samples",
                samples.toString(),
                "--training-data",
                training.toString(),
                "--out",
                out.toString()));
        args.addAll(List.of(CliPmmlModels.FIELD_MAPS));
        args.addAll(List.of(extra));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void theTrainingCsvBecomesPerFeatureStatisticsAndTheOutputDistribution() throws Exception {
        StringBuilder csv = new StringBuilder("id,temperature_c,fan_rpm,load_percent\n");
        for (int i = 1; i <= 100; i++) {
            csv.append("t")
                    .append(i)
                    .append(',')
                    .append(i)
                    .append(",1800,")
                    .append(i % 2 == 0 ? 40 : 60)
                    .append('\n');
        }
        Path training = CliFiles.write(dir.resolve("training.csv"), csv.toString());
        Path out = dir.resolve("model.desc");

        CliRunner.Result made = descriptor(training, out, "--drift-threshold", "0.3");

        assertThat(made.exitCode()).as(made.err()).isZero();
        assertThat(made.err())
                .contains("training statistics from " + training + ": 100 rows, 3 features and the" + " output");
        ModelDescriptor descriptor = CliFiles.readDescriptor(out);
        assertThat(descriptor.getDriftThreshold()).isEqualTo(0.3);
        assertThat(descriptor.getProvenance().getTrainingDataId()).isEqualTo(training.toString());
        TrainingStatistics stats = descriptor.getTrainingStatistics();
        assertThat(stats.getRows()).isEqualTo(100);
        assertThat(stats.getSource()).isEqualTo("training.csv");
        assertThat(stats.getFeaturesList())
                .extracting(FeatureStatistics::getName)
                .containsExactly("temperature_c", "fan_rpm", "load_percent");
        FeatureStatistics temperature = stats.getFeatures(0);
        assertThat(temperature.getCount()).isEqualTo(100);
        assertThat(temperature.getMin()).isEqualTo(1);
        assertThat(temperature.getMax()).isEqualTo(100);
        assertThat(temperature.getMean()).isEqualTo(50.5);
        assertThat(temperature.getStd()).isCloseTo(28.86607, within(1e-5));
        assertThat(temperature.getQuantilesList()).hasSize(9);
        assertThat(temperature.getQuantiles(0)).isCloseTo(10.9, within(1e-9));
        assertThat(temperature.getBinFractionsList())
                .hasSize(10)
                .allSatisfy(f -> assertThat(f).isEqualTo(0.1));
        FeatureStatistics load = stats.getFeatures(2);
        assertThat(load.getMean()).isEqualTo(50);
        assertThat(load.getStd()).isEqualTo(10);
        assertThat(stats.getFeatures(1).getStd()).isZero();
        // The output is the model's own answer on each row.
        FeatureStatistics output = stats.getOutput();
        assertThat(output.getName()).isEqualTo("output");
        assertThat(output.getCount()).isEqualTo(100);
        assertThat(output.getMin()).isCloseTo(nextTemperature(2, 1800, 40), within(1e-9));
        assertThat(output.getMax()).isCloseTo(nextTemperature(99, 1800, 60), within(1e-9));
        assertThat(stats.getLabelFractionsMap()).isEmpty();
    }

    @Test
    void aTrainingCsvTheModelCannotReadIsRefused() throws Exception {
        Path training = CliFiles.write(dir.resolve("training.csv"), "id,temperature_c\n");
        CliRunner.Result made = descriptor(training, dir.resolve("model.desc"));
        assertThat(made.exitCode()).isNotZero();
        assertThat(made.err()).contains(training.toString(), "no rows");
    }
}
