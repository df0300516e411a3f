package dev.modelserving.model.serving;

import static dev.modelserving.model.TestDescriptors.constant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.ConstantModelFactory;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.drift.DriftSettings;
import dev.modelserving.model.drift.TrainingStatisticsBuilder;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingSlotState;
import dev.modelserving.proto.ServingStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The slot watches the drift of its current version when the descriptor carries training statistics. */
class ServingSlotDriftTest {

    private static final int WINDOW = 200;

    private final ConstantModelFactory factory = new ConstantModelFactory();
    private final ModelLoader loader = new ModelLoader(ModelFactories.of(List.of(factory)), LoadPolicy.defaults());
    private ServingSlot slot;
    private SlotSettings settings;

    @AfterEach
    void close() throws Exception {
        if (slot != null) {
            slot.close();
            settings.loads().retirer().idle().get(10, TimeUnit.SECONDS);
        }
        assertThat(factory.openModels()).isZero();
    }

    private static DataRecord record(Random random, double shift) {
        return DataRecord.newBuilder()
                .setDataType("test")
                .setId("r")
                .putFeatures("f0", random.nextGaussian() + shift)
                .putFeatures("f1", 10 + 2 * random.nextGaussian())
                .build();
    }

    /** The constant model "0" (it answers f0 + f1) with the statistics of 5000 undrifted training rows. */
    private static ModelDescriptor trained(long version) {
        Random random = new Random(1);
        TrainingStatisticsBuilder stats = new TrainingStatisticsBuilder();
        for (int i = 0; i < 5000; i++) {
            DataRecord r = record(random, 0);
            stats.add(r.getFeaturesMap(), r.getFeaturesOrThrow("f0") + r.getFeaturesOrThrow("f1"), null);
        }
        return constant("0")
                .setVersion(version)
                .setTrainingStatistics(stats.build("test rows"))
                .build();
    }

    private void serve(ModelDescriptor d) {
        settings = new SlotSettings(loader, Runnable::run, "test-0", 2, () -> 1000L)
                .withDrift(new DriftSettings(0.2, WINDOW));
        slot = new ServingSlot("test", ServingSlotState.getDefaultInstance(), settings);
        slot.apply(d);
        assertThat(slot.poll()).extracting(ModelEvent::getType).containsExactly(ModelEventType.ACTIVATED);
    }

    /** Scores {@code records} records (f0 shifted by {@code shift}) and returns the drift events drained. */
    private List<ModelEvent> stream(int records, double shift, long seed) {
        Random random = new Random(seed);
        List<ModelEvent> events = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            assertThat(slot.score(record(random, shift)).getStatus()).isEqualTo(ServingStatus.SCORED);
            events.addAll(slot.drainEvents());
        }
        return events;
    }

    @Test
    void anUndriftedStreamProducesNoDriftEvent() {
        serve(trained(1));
        assertThat(stream(10 * WINDOW, 0, 42)).isEmpty();
        assertThat(slot.driftMonitor()).hasValueSatisfying(m -> {
            assertThat(m.windows()).isEqualTo(10);
            assertThat(m.features()).containsExactly("f0", "f1", "output");
            for (int i = 0; i < 3; i++) {
                assertThat(m.psi(i)).isLessThan(0.1);
            }
        });
    }

    @Test
    void aDriftedStreamProducesOneEventPerDriftedFeature() {
        serve(trained(1));
        assertThat(stream(3 * WINDOW, 0, 42)).isEmpty();
        List<ModelEvent> events = stream(10 * WINDOW, 3, 43);
        assertThat(events).extracting(ModelEvent::getDriftFeature).containsExactlyInAnyOrder("f0", "output");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getType()).isEqualTo(ModelEventType.DRIFT_DETECTED);
            assertThat(e.getModelName()).isEqualTo("constant");
            assertThat(e.getModelVersion()).isEqualTo(1);
            assertThat(e.getDataType()).isEqualTo("test");
            assertThat(e.getModelSha256()).isNotEmpty();
            assertThat(e.getDriftPsi()).isGreaterThan(0.2);
            assertThat(e.getDriftThreshold()).isEqualTo(0.2);
            assertThat(e.getDriftWindowRecords()).isEqualTo(WINDOW);
            assertThat(e.getReason()).contains(e.getDriftFeature()).contains("above");
        });
        ModelEvent f0 = events.stream()
                .filter(e -> e.getDriftFeature().equals("f0"))
                .findFirst()
                .orElseThrow();
        assertThat(f0.getDriftOutOfRange())
                .as("f0 + 3 leaves the training range now and then")
                .isPositive();
        assertThat(slot.driftMonitor().orElseThrow().outOfRange(0)).isPositive();
        // back to normal: each drifted feature clears once
        assertThat(stream(3 * WINDOW, 0, 44))
                .extracting(e -> e.getType() + " " + e.getDriftFeature())
                .containsExactlyInAnyOrder("DRIFT_CLEARED f0", "DRIFT_CLEARED output");
    }

    @Test
    void aDescriptorWithoutStatisticsIsNotWatchedAndANewVersionStartsAFreshWindow() {
        serve(constant("0").build());
        assertThat(stream(3 * WINDOW, 3, 42)).isEmpty();
        assertThat(slot.driftMonitor()).isEmpty();
        slot.apply(trained(2).toBuilder().setDriftThreshold(100).build());
        assertThat(slot.poll())
                .extracting(ModelEvent::getType)
                .containsExactly(ModelEventType.SUPERSEDED, ModelEventType.ACTIVATED);
        assertThat(stream(3 * WINDOW, 3, 43))
                .as("the descriptor's threshold of 100 is not crossed")
                .isEmpty();
        assertThat(slot.driftMonitor().orElseThrow().threshold()).isEqualTo(100);
    }
}
