package dev.modelserving.flink.serving;

import static dev.modelserving.model.TestDescriptors.constant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.ConstantModelFactory;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.drift.DriftSettings;
import dev.modelserving.model.serving.ServingSlot;
import dev.modelserving.model.serving.SlotSettings;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.FeatureStatistics;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingSlotState;
import dev.modelserving.proto.TrainingStatistics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** Drift metrics are registered per data type, model, version and feature, and follow the slot's monitor. */
class DriftMetricsTest {

    /** A metric group that keeps what is registered under it by its full path. */
    private static final class PathGroup extends UnregisteredMetricsGroup {
        final Map<String, Metric> metrics;
        final String prefix;

        PathGroup(Map<String, Metric> metrics, String prefix) {
            this.metrics = metrics;
            this.prefix = prefix;
        }

        @Override
        public Counter counter(String name) {
            return counter(name, new SimpleCounter());
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            metrics.put(prefix + name, counter);
            return counter;
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            metrics.put(prefix + name, gauge);
            return gauge;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new PathGroup(metrics, prefix + name + ".");
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new PathGroup(metrics, prefix + key + "." + value + ".");
        }
    }

    @Test
    void psiOutOfRangeAndDriftEventsPerVersionAndFeature() {
        Map<String, Metric> metrics = new HashMap<>();
        DriftMetrics drift = new DriftMetrics(new PathGroup(metrics, ""));
        FeatureStatistics f0 = FeatureStatistics.newBuilder()
                .setName("f0")
                .setCount(10)
                .setMin(-1)
                .setMax(1)
                .addQuantiles(0)
                .addBinFractions(0.5)
                .addBinFractions(0.5)
                .build();
        ConstantModelFactory factory = new ConstantModelFactory();
        ModelLoader loader = new ModelLoader(ModelFactories.of(List.of(factory)), LoadPolicy.defaults());
        try (ServingSlot slot = new ServingSlot(
                "test",
                ServingSlotState.getDefaultInstance(),
                new SlotSettings(loader, Runnable::run, "t-0", 2, () -> 1L).withDrift(new DriftSettings(0.2, 4)))) {
            slot.apply(constant("0")
                    .setTrainingStatistics(TrainingStatistics.newBuilder().addFeatures(f0))
                    .build());
            slot.poll();
            for (double value : new double[] {3, 3, 3, -0.5}) {
                slot.score(DataRecord.newBuilder()
                        .setDataType("test")
                        .putFeatures("f0", value)
                        .build());
                drift.observe(slot);
            }
            List<ModelEvent> events = slot.drainEvents();
            assertThat(events)
                    .singleElement()
                    .satisfies(e -> assertThat(e.getType()).isEqualTo(ModelEventType.DRIFT_DETECTED));
            events.forEach(drift::record);
        }
        String version = "modelServing.data_type.test.model.constant.version.1.";
        assertThat(((Counter) metrics.get(version + "driftEvents")).getCount()).isEqualTo(1);
        assertThat(((Counter) metrics.get(version + "feature.f0.inputsOutOfRange")).getCount())
                .isEqualTo(3);
        // (0.25-0.5)ln(0.5) + (0.75-0.5)ln(1.5)
        assertThat((Double) ((Gauge<?>) metrics.get(version + "feature.f0.driftPsi")).getValue())
                .isCloseTo(0.25 * Math.log(2) + 0.25 * Math.log(1.5), org.assertj.core.api.Assertions.within(1e-9));
        assertThat(factory.openModels()).isZero();
    }
}
