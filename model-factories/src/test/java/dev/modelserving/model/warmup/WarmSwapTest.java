package dev.modelserving.model.warmup;

import static dev.modelserving.model.TestDescriptors.record;
import static dev.modelserving.model.TestDescriptors.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.ColdStartModelFactory;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.serving.ModelLoads;
import dev.modelserving.model.serving.ServingSlot;
import dev.modelserving.model.serving.SlotSettings;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingSlotState;
import dev.modelserving.proto.ServingStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A candidate whose first calls are slow becomes current only once warmed up, so records never see the cold start. */
class WarmSwapTest {

    private static final int COLD_CALLS = 12;
    private static final long COLD_MILLIS = 25;

    private final ColdStartModelFactory factory = new ColdStartModelFactory();
    private final ModelLoads loads = ModelLoads.threads("warm-swap-test", 1, 60_000);
    private ServingSlot slot;

    private ServingSlot slot(WarmUpSettings warmUp) {
        ModelLoader loader = new ModelLoader(
                ModelFactories.of(List.of(factory)), LoadPolicy.defaults().withWarmUp(warmUp));
        return new ServingSlot(
                "test",
                ServingSlotState.getDefaultInstance(),
                new SlotSettings(
                        loader,
                        loads,
                        "test-0",
                        2,
                        System::currentTimeMillis,
                        dev.modelserving.model.serving.ModelCache.unbounded(),
                        1000,
                        nanos -> {}));
    }

    private static ModelDescriptor cold(long version) {
        return ColdStartModelFactory.descriptor("test", "cold", version, COLD_CALLS, COLD_MILLIS, 7.0)
                .addValidationSamples(sample(7.0, 1.0))
                .setInput(dev.modelserving.proto.InputSpec.newBuilder().addFeatureNames("f0"))
                .build();
    }

    /** Applies the descriptor and polls until the candidate is no longer loading; returns every event. */
    private List<ModelEvent> deployAndAwait(ModelDescriptor descriptor) throws InterruptedException {
        List<ModelEvent> events = new ArrayList<>(slot.apply(descriptor));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (slot.loading() && System.nanoTime() < deadline) {
            events.addAll(slot.poll());
            if (slot.loading()) {
                assertThat(slot.currentDescriptor())
                        .as("nothing is current while the candidate warms up")
                        .isEmpty();
                Thread.sleep(5);
            }
        }
        return events;
    }

    @AfterEach
    void close() {
        if (slot != null) {
            slot.close();
        }
        loads.close();
        assertThat(factory.openModels()).isZero();
    }

    @Test
    void theFirstRecordAfterTheSwapDoesNotSeeTheColdLatency() throws Exception {
        slot = slot(WarmUpSettings.defaults());
        List<ModelEvent> events = deployAndAwait(cold(1));

        ModelEvent activated = events.get(events.size() - 1);
        assertThat(activated.getType()).isEqualTo(ModelEventType.ACTIVATED);
        int callsAtActivation = factory.calls();
        assertThat(callsAtActivation)
                .as("validation + warm-up calls before activation")
                .isGreaterThan(COLD_CALLS);
        assertThat(activated.getWarmUpCalls()).isGreaterThanOrEqualTo(COLD_CALLS);
        assertThat(activated.getWarmUpStable()).isTrue();
        assertThat(activated.getWarmUpMillis()).isGreaterThanOrEqualTo((COLD_CALLS - 1) * COLD_MILLIS);
        assertThat(activated.getWarmUpFirstRoundNanos())
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(COLD_MILLIS));
        assertThat(activated.getWarmUpLastRoundNanos()).isLessThan(TimeUnit.MILLISECONDS.toNanos(COLD_MILLIS));
        assertThat(activated.getLoadMillis()).isGreaterThanOrEqualTo(activated.getWarmUpMillis());

        ServingResult first = slot.score(record(1.0));
        assertThat(first.getStatus()).isEqualTo(ServingStatus.SCORED);
        assertThat(first.getLatencyNanos()).isLessThan(TimeUnit.MILLISECONDS.toNanos(COLD_MILLIS));
    }

    @Test
    void withoutWarmUpTheFirstRecordsPayTheColdStart() throws Exception {
        slot = slot(WarmUpSettings.off());
        List<ModelEvent> events = deployAndAwait(cold(1));

        ModelEvent activated = events.get(events.size() - 1);
        assertThat(activated.getType()).isEqualTo(ModelEventType.ACTIVATED);
        assertThat(activated.getWarmUpCalls()).isZero();
        assertThat(activated.getWarmUpMillis()).isZero();
        ServingResult first = slot.score(record(1.0));
        assertThat(first.getStatus()).isEqualTo(ServingStatus.SCORED);
        assertThat(first.getLatencyNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(COLD_MILLIS));
    }

    @Test
    void aBoundStopsAWarmUpThatNeverStabilises() throws Exception {
        slot = slot(new WarmUpSettings(10_000, 0, COLD_CALLS / 2, 5, 0.2));
        List<ModelEvent> events = deployAndAwait(cold(1));

        ModelEvent activated = events.get(events.size() - 1);
        assertThat(activated.getType()).isEqualTo(ModelEventType.ACTIVATED);
        assertThat(activated.getWarmUpCalls()).isEqualTo(COLD_CALLS / 2);
        assertThat(activated.getWarmUpStable()).isFalse();
    }
}
