package dev.modelserving.model.serving;

import static dev.modelserving.model.TestDescriptors.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.modelserving.model.ArtifactSource;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.model.archive.UnpackedBytesBudget;
import dev.modelserving.model.serving.RetirementProbeFactory.Close;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingSlotState;
import dev.modelserving.proto.ServingStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A model that stops serving in a slot (superseded, rolled back from, removed, evicted) is closed exactly once by the
 * retirer, never on the thread that drives the slot, which does not wait for the close; a failing close is logged.
 */
class ServingSlotRetirementTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final RetirementProbeFactory probes = new RetirementProbeFactory();
    private final SharedModels shared = new SharedModels();
    private final List<ModelLoads> loads = new ArrayList<>();
    private final List<ServingSlot> slots = new ArrayList<>();
    private final String operatorThread = Thread.currentThread().getName();

    @AfterEach
    void everyModelIsClosedExactlyOnce() {
        slots.forEach(ServingSlot::close);
        loads.forEach(ModelLoads::close);
        assertThat(probes.openModels()).as("open models").isZero();
        assertThat(probes.closes())
                .as("no instance closed twice")
                .extracting(Close::instance)
                .doesNotHaveDuplicates();
    }

    /** Loads run on the calling thread: apply() builds the candidate, the next poll() activates it. */
    private SlotSettings direct(ModelCache cache, boolean sharing) {
        ModelLoads direct = ModelLoads.on(Runnable::run);
        loads.add(direct);
        ModelLoader loader = new ModelLoader(
                ModelFactories.of(List.of(probes)),
                LoadPolicy.defaults(),
                UnpackedBytesBudget.unlimited(),
                ArtifactSource.none(),
                sharing ? shared : null);
        return new SlotSettings(loader, direct, "test-0", 2, () -> 1000L, cache, 1000, nanos -> {});
    }

    private SlotSettings direct() {
        return direct(ModelCache.unbounded(), false);
    }

    private ServingSlot slot(String dataType, SlotSettings settings) {
        ServingSlot slot = new ServingSlot(dataType, ServingSlotState.getDefaultInstance(), settings);
        slots.add(slot);
        return slot;
    }

    private static List<ModelEvent> deploy(ServingSlot slot, ModelDescriptor d) {
        List<ModelEvent> events = new ArrayList<>(slot.apply(d));
        events.addAll(slot.poll());
        return events;
    }

    private static ModelDescriptor probe(long version, double answer) {
        return RetirementProbeFactory.descriptor("test", version, answer).build();
    }

    private static ModelDescriptor command(ModelAction action, long target, long version) {
        return TestDescriptors.command("probe", action, target, version);
    }

    /** Waits (bounded) until every model retired so far through {@code settings} is closed. */
    private static void awaitRetired(SlotSettings settings) throws Exception {
        settings.loads().retirer().idle().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void supersededRolledBackFromAndRemovedModelsAreClosedOnceOnTheRetirerThread() throws Exception {
        SlotSettings settings = direct();
        ServingSlot slot = slot("test", settings);
        deploy(slot, probe(1, 1));
        assertThat(deploy(slot, probe(2, 2)))
                .extracting(ModelEvent::getType)
                .containsExactly(ModelEventType.SUPERSEDED, ModelEventType.ACTIVATED);
        awaitRetired(settings);
        assertThat(probes.closes()).as("v1, superseded").singleElement().satisfies(close -> {
            assertThat(close.version()).isEqualTo(1);
            assertThat(close.thread()).isEqualTo("model-retirer").isNotEqualTo(operatorThread);
        });

        assertThat(deploy(slot, command(ModelAction.ROLLBACK, 1, 3)))
                .extracting(ModelEvent::getType)
                .containsExactly(ModelEventType.SUPERSEDED, ModelEventType.ROLLED_BACK);
        awaitRetired(settings);
        assertThat(probes.closesOf(2))
                .as("v2, rolled back from")
                .singleElement()
                .satisfies(close -> assertThat(close.thread()).isEqualTo("model-retirer"));

        assertThat(slot.apply(command(ModelAction.REMOVE, 0, 4)))
                .singleElement()
                .satisfies(e -> assertThat(e.getType()).isEqualTo(ModelEventType.REMOVED));
        awaitRetired(settings);
        assertThat(probes.closesOf(1))
                .as("the first v1 when superseded, the second (rebuilt for the rollback) when removed")
                .extracting(Close::thread)
                .containsExactly("model-retirer", "model-retirer");
        assertThat(probes.openModels()).isZero();
        assertThat(settings.loads().retirer().closed()).isEqualTo(3);
        assertThat(slot.score(record(1)).getStatus()).isEqualTo(ServingStatus.NO_MODEL);
    }

    @Test
    void pollReturnsAndTheNewVersionScoresWhileTheRetiredModelIsStillClosing() throws Exception {
        SlotSettings settings = direct();
        ServingSlot slot = slot("test", settings);
        CountDownLatch closing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        probes.beforeClose(1, () -> {
            closing.countDown();
            // Bounded, so that a slot that waits for the close fails the test instead of hanging it.
            release.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        });
        deploy(slot, probe(1, 1));
        slot.apply(probe(2, 2));

        long start = System.nanoTime();
        List<ModelEvent> events = slot.poll();
        long pollMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(probes.closes()).as("no close finished when poll() returned").isEmpty();
        assertThat(events)
                .extracting(ModelEvent::getType)
                .containsExactly(ModelEventType.SUPERSEDED, ModelEventType.ACTIVATED);
        assertThat(pollMillis).as("poll() did not wait for the close").isLessThan(TIMEOUT.toMillis() / 2);
        assertThat(closing.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                .as("the close runs meanwhile")
                .isTrue();
        ServingResult scored = slot.score(record(1));
        assertThat(scored.getStatus()).isEqualTo(ServingStatus.SCORED);
        assertThat(scored.getModelVersion()).isEqualTo(2);
        assertThat(settings.loads().retirer().pending()).isEqualTo(1);

        release.countDown();
        awaitRetired(settings);
        assertThat(probes.closes()).singleElement().satisfies(close -> {
            assertThat(close.version()).isEqualTo(1);
            assertThat(close.thread()).isNotEqualTo(operatorThread);
        });
        assertThat(settings.loads().retirer().pending()).isZero();
    }

    @Test
    void aFailingCloseIsLoggedAndNeverReachesTheSlot() throws Exception {
        SlotSettings settings = direct();
        ServingSlot slot = slot("test", settings);
        probes.beforeClose(1, () -> {
            throw new IllegalStateException("native close of v1 failed");
        });
        probes.beforeClose(2, () -> {
            throw new IllegalStateException("native close of v2 failed");
        });
        try (LoggedWarnings retirerLog = LoggedWarnings.of(ModelRetirer.class);
                LoggedWarnings slotLog = LoggedWarnings.of(ServingSlot.class)) {
            deploy(slot, probe(1, 1));
            assertThat(deploy(slot, probe(2, 2)))
                    .extracting(ModelEvent::getType)
                    .containsExactly(ModelEventType.SUPERSEDED, ModelEventType.ACTIVATED);
            awaitRetired(settings);
            assertThat(settings.loads().retirer().failures()).isEqualTo(1);
            assertThat(retirerLog.warnings())
                    .containsExactly(new LoggedWarnings.Warning(
                            "closing the superseded model probe@1 of data type 'test' failed",
                            "native close of v1 failed"));
            assertThat(slot.score(record(1)).getModelVersion())
                    .as("the new version serves")
                    .isEqualTo(2);

            assertThatCode(slot::close).as("the operator's close").doesNotThrowAnyException();
            assertThat(slotLog.warnings())
                    .containsExactly(new LoggedWarnings.Warning(
                            "closing the current model probe@2 of data type 'test' failed",
                            "native close of v2 failed"));
            assertThat(probes.closesOf(2))
                    .as("closed synchronously by the operator's close")
                    .singleElement()
                    .satisfies(close -> assertThat(close.thread()).isEqualTo(operatorThread));
        }
    }

    @Test
    void aSharedInstanceRetiredByOneSlotStaysOpenForTheOtherAndClosesWithItsLastLease() throws Exception {
        SlotSettings first = direct(ModelCache.unbounded(), true);
        SlotSettings second = direct(ModelCache.unbounded(), true);
        ServingSlot a = slot("test", first);
        ServingSlot b = slot("test", second);
        deploy(a, probe(1, 1));
        assertThat(deploy(b, probe(1, 1)))
                .singleElement()
                .satisfies(e -> assertThat(e.getSharedInstance()).isTrue());
        assertThat(shared.builds()).isEqualTo(1);

        deploy(a, probe(2, 2));
        awaitRetired(first);
        assertThat(probes.closesOf(1)).as("b still holds a lease on v1").isEmpty();
        assertThat(b.score(record(1)).getOutputsList()).containsExactly(1.0);
        assertThat(shared.instances()).as("v1 and v2").isEqualTo(2);

        deploy(b, probe(2, 2));
        awaitRetired(second);
        assertThat(probes.closesOf(1))
                .as("the last lease of v1 released")
                .singleElement()
                .satisfies(close -> assertThat(close.thread()).isEqualTo("model-retirer"));
        assertThat(shared.closes()).isEqualTo(1);
        assertThat(shared.instances()).isEqualTo(1);
        assertThat(a.score(record(1)).getOutputsList()).containsExactly(2.0);
        assertThat(b.score(record(1)).getOutputsList()).containsExactly(2.0);
    }

    @Test
    void anEvictedModelIsClosedOffTheThreadOfTheActivationThatEvictedIt() throws Exception {
        SlotSettings settings = direct(new ModelCache(1), false);
        ServingSlot a = slot("a", settings);
        ServingSlot b = slot("b", settings);
        deploy(a, RetirementProbeFactory.descriptor("a", 1, 10).build());
        deploy(b, RetirementProbeFactory.descriptor("b", 2, 20).build());
        assertThat(settings.cache().evictions()).isEqualTo(1);
        awaitRetired(settings);
        assertThat(probes.closes()).singleElement().satisfies(close -> {
            assertThat(close.version()).as("a's model").isEqualTo(1);
            assertThat(close.thread()).isNotEqualTo(operatorThread);
        });
        assertThat(a.score(record(1)).getOutputsList())
                .as("rebuilt from its descriptor")
                .containsExactly(10.0);
    }

    @Test
    void closingTheLoadsWaitsForTheRetiredModelsAndLaterRetirementsCloseOnTheCaller() throws Exception {
        SlotSettings settings = direct();
        ServingSlot slot = slot("test", settings);
        CountDownLatch closing = new CountDownLatch(1);
        probes.beforeClose(1, () -> {
            closing.countDown();
            Thread.sleep(500); // a slow native close (work, not synchronisation)
        });
        deploy(slot, probe(1, 1));
        deploy(slot, probe(2, 2));
        assertThat(closing.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        slot.close();
        settings.loads().close();
        assertThat(probes.closesOf(1))
                .as("closed before the loads' close returned")
                .singleElement()
                .satisfies(close -> assertThat(close.thread()).isEqualTo("model-retirer"));

        Model late = new ModelLoader(ModelFactories.of(List.of(probes)), LoadPolicy.defaults())
                .loadAndWarmUp(probe(3, 3))
                .model();
        settings.loads().retirer().retire(late, "model retired after the close");
        assertThat(probes.closesOf(3))
                .singleElement()
                .satisfies(close -> assertThat(close.thread()).isEqualTo(operatorThread));
    }

    @Test
    void aLoadStartsOnceTheModelsRetiredBeforeItAreClosed() throws Exception {
        ModelLoads threads = ModelLoads.threads("retirement-test", 2, 10_000);
        loads.add(threads);
        SlotSettings settings = new SlotSettings(
                new ModelLoader(ModelFactories.of(List.of(probes)), LoadPolicy.defaults()),
                threads,
                "test-0",
                2,
                () -> 1000L,
                ModelCache.unbounded(),
                1000,
                nanos -> {});
        ServingSlot slot = slot("test", settings);
        CountDownLatch v3Building = new CountDownLatch(1);
        AtomicBoolean v1ClosedWhenV3Built = new AtomicBoolean();
        // v1's close lasts until v3 starts building, or 1 s (within the loads' wait of RETIRED_WAIT_MILLIS).
        probes.beforeClose(1, () -> v3Building.await(1, TimeUnit.SECONDS));
        probes.beforeBuild(3, () -> {
            v1ClosedWhenV3Built.set(!probes.closesOf(1).isEmpty());
            v3Building.countDown();
        });
        List<ModelEvent> events = new ArrayList<>();
        for (long v = 1; v <= 3; v++) {
            events.clear();
            events.addAll(slot.apply(probe(v, v)));
            Await.until("version " + v + " activated", TIMEOUT, () -> {
                events.addAll(slot.poll());
                return !slot.loading();
            });
            assertThat(events).extracting(ModelEvent::getType).contains(ModelEventType.ACTIVATED);
        }
        assertThat(v1ClosedWhenV3Built).as("v3's load waited for v1's close").isTrue();
        assertThat(probes.closesOf(1))
                .singleElement()
                .satisfies(close -> assertThat(close.thread()).isEqualTo("retirement-test-retirer"));
    }
}
