package dev.modelserving.model.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.Prediction;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.FeatureStatistics;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.TrainingStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {

    /** Feature "t" in [-1, 1], half the training values at or below 0. */
    private static FeatureStatistics halves(String name) {
        return FeatureStatistics.newBuilder()
                .setName(name)
                .setCount(100)
                .setMin(-1)
                .setMax(1)
                .addQuantiles(0)
                .addBinFractions(0.5)
                .addBinFractions(0.5)
                .build();
    }

    private static DriftMonitor monitor() {
        return new DriftMonitor(
                TrainingStatistics.newBuilder().addFeatures(halves("t")).build(), 0.2, 10);
    }

    /** One window of 10 records: {@code low} at -0.5, the rest at {@code high}. */
    private static List<DriftChange> window(DriftMonitor monitor, int low, double high) {
        List<DriftChange> changes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            double t = i < low ? -0.5 : high;
            List<DriftChange> now =
                    monitor.observe(DataRecord.newBuilder().putFeatures("t", t).build(), null);
            if (i < 9) {
                assertThat(now).as("changes before the window closes").isEmpty();
            }
            changes.addAll(now);
        }
        return changes;
    }

    @Test
    void anUndriftedWindowReportsNothing() {
        DriftMonitor monitor = monitor();
        for (int w = 0; w < 5; w++) {
            assertThat(window(monitor, 5, 0.5)).isEmpty();
        }
        assertThat(monitor.psi(0)).isZero();
        assertThat(monitor.windows()).isEqualTo(5);
    }

    @Test
    void driftIsReportedOncePerCrossingWithHysteresis() {
        DriftMonitor monitor = monitor();
        List<DriftChange> first = window(monitor, 8, 0.5);
        assertThat(first).hasSize(1);
        assertThat(first.get(0).feature()).isEqualTo("t");
        assertThat(first.get(0).drifted()).isTrue();
        assertThat(first.get(0).psi()).isCloseTo(0.4158883083, within(1e-9));
        assertThat(first.get(0).windowRecords()).isEqualTo(10);
        assertThat(window(monitor, 8, 0.5))
                .as("still drifted: not reported again")
                .isEmpty();
        // 0.1695: below the threshold but above half of it, so still drifted.
        assertThat(window(monitor, 7, 0.5)).isEmpty();
        assertThat(monitor.drifted(0)).isTrue();
        List<DriftChange> cleared = window(monitor, 6, 0.5);
        assertThat(cleared).singleElement().satisfies(c -> {
            assertThat(c.drifted()).isFalse();
            assertThat(c.psi()).isCloseTo(0.0405465108, within(1e-9));
        });
        assertThat(window(monitor, 2, 0.5))
                .singleElement()
                .satisfies(c -> assertThat(c.drifted()).isTrue());
    }

    @Test
    void valuesOutsideTheTrainingRangeAreCountedPerFeature() {
        DriftMonitor monitor = monitor();
        assertThat(window(monitor, 5, 3.0))
                .as("out of range but in the same proportion per bin")
                .isEmpty();
        assertThat(monitor.outOfRange(0)).isEqualTo(5);
        List<DriftChange> changes = window(monitor, 2, 3.0);
        assertThat(changes)
                .singleElement()
                .satisfies(c -> assertThat(c.outOfRange()).isEqualTo(8));
        window(monitor, 5, 0.5);
        assertThat(monitor.outOfRange(0)).isEqualTo(13);
    }

    @Test
    void vectorElementsOutputsAndLabelsAreMonitored() {
        TrainingStatistics stats = TrainingStatistics.newBuilder()
                .addFeatures(halves("vector[1]"))
                .setOutput(halves(TrainingStatisticsBuilder.OUTPUT))
                .putLabelFractions("a", 0.5)
                .putLabelFractions("b", 0.5)
                .build();
        DriftMonitor monitor = new DriftMonitor(stats, 0.2, 4);
        assertThat(monitor.features()).containsExactly("vector[1]", "output", "output-label");
        List<DriftChange> changes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            DataRecord r = DataRecord.newBuilder()
                    .addVector(9f)
                    .addVector(i < 2 ? -0.5f : 0.5f)
                    .build();
            changes.addAll(monitor.observe(r, new Prediction(new double[] {0.9}, "c", java.util.Map.of())));
        }
        // the inputs match the training halves; every output is high and every label unseen in training
        assertThat(changes).extracting(DriftChange::feature).containsExactly("output", "output-label");
        assertThat(monitor.psi(0)).isZero();
    }

    @Test
    void theDescriptorThresholdOverridesTheFlagAndAtMost64FeaturesAreMonitored() {
        TrainingStatistics.Builder stats = TrainingStatistics.newBuilder();
        IntStream.range(0, 100).forEach(i -> stats.addFeatures(halves("f" + i)));
        ModelDescriptor d = ModelDescriptor.newBuilder()
                .setTrainingStatistics(stats)
                .setDriftThreshold(0.5)
                .build();
        DriftMonitor monitor = DriftMonitor.of(d, DriftSettings.defaults()).orElseThrow();
        assertThat(monitor.threshold()).isEqualTo(0.5);
        assertThat(monitor.features()).hasSize(DriftMonitor.MAX_FEATURES);
        assertThat(DriftMonitor.of(d.toBuilder().clearDriftThreshold().build(), DriftSettings.defaults())
                        .orElseThrow()
                        .threshold())
                .isEqualTo(0.2);
        assertThat(DriftMonitor.of(ModelDescriptor.getDefaultInstance(), DriftSettings.defaults()))
                .isEmpty();
    }

    @Test
    void trainingStatisticsDescribeTheData() {
        TrainingStatisticsBuilder builder = new TrainingStatisticsBuilder();
        for (int i = 1; i <= 100; i++) {
            builder.add(java.util.Map.of("x", (double) i), i * 2.0, i % 4 == 0 ? "a" : "b");
        }
        TrainingStatistics stats = builder.build("test");
        FeatureStatistics x = stats.getFeatures(0);
        assertThat(x.getCount()).isEqualTo(100);
        assertThat(x.getMin()).isEqualTo(1);
        assertThat(x.getMax()).isEqualTo(100);
        assertThat(x.getMean()).isEqualTo(50.5);
        assertThat(x.getStd()).isCloseTo(28.8660700, within(1e-6));
        assertThat(x.getQuantilesList()).hasSize(9);
        assertThat(x.getQuantiles(4)).isEqualTo(50.5);
        assertThat(x.getBinFractionsList()).allSatisfy(f -> assertThat(f).isEqualTo(0.1));
        assertThat(stats.getOutput().getMax()).isEqualTo(200);
        assertThat(stats.getLabelFractionsMap()).containsEntry("a", 0.25).containsEntry("b", 0.75);
        assertThat(stats.getRows()).isEqualTo(100);
        // the training data itself shows no drift against its own statistics
        DriftMonitor monitor = new DriftMonitor(stats, 0.2, 100);
        List<DriftChange> changes = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            changes.addAll(monitor.observe(
                    DataRecord.newBuilder().putFeatures("x", i).build(),
                    new Prediction(new double[] {i * 2.0}, i % 4 == 0 ? "a" : "b", java.util.Map.of())));
        }
        assertThat(changes).isEmpty();
        assertThat(monitor.psi(0)).isZero();
    }
}
