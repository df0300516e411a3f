package dev.modelserving.model.serving;

import static dev.modelserving.model.TestDescriptors.constant;
import static dev.modelserving.model.TestDescriptors.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.ConstantModelFactory;
import dev.modelserving.model.HangingModelFactory;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelFactory;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.SlowModelFactory;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingSlotState;
import dev.modelserving.proto.ServingStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The slot's resource bounds: load deadline, live model cache, bounded wait for a rebuild after a restore. */
class SlotBoundsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final ConstantModelFactory constants = new ConstantModelFactory();
    private final HangingModelFactory hanging = new HangingModelFactory();
    private final ScarceModelFactory scarce = new ScarceModelFactory();
    private final ModelLoader loader = new ModelLoader(
            ModelFactories.of(List.of(constants, hanging, new SlowModelFactory(), scarce)), LoadPolicy.defaults());
    private final List<Long> restoreWaits = new CopyOnWriteArrayList<>();
    private final List<ServingSlot> slots = new ArrayList<>();
    private ModelLoads loads;

    private SlotSettings settings(ModelLoads modelLoads, ModelCache cache, long restoreWaitMillis) {
        loads = modelLoads;
        return new SlotSettings(
                loader, modelLoads, "test-0", 2, () -> 1000L, cache, restoreWaitMillis, restoreWaits::add);
    }

    private ServingSlot slot(String dataType, ServingSlotState state, SlotSettings settings) {
        ServingSlot slot = new ServingSlot(dataType, state, settings);
        slots.add(slot);
        return slot;
    }

    @AfterEach
    void everyModelIsClosedAndNoLoadThreadIsLeft() throws Exception {
        slots.forEach(ServingSlot::close);
        await("hung loads to end", () -> hanging.building() == 0);
        if (loads != null) {
            loads.retirer().idle().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        assertThat(constants.openModels()).as("open constant models").isZero();
        assertThat(hanging.openModels()).as("open late models").isZero();
        if (loads != null) {
            assertThat(loads.abandonedAlive()).isZero();
            loads.close();
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, TIMEOUT, condition);
    }

    private static List<ModelEvent> pollUntilEvents(ServingSlot slot) {
        List<ModelEvent> events = new ArrayList<>();
        await("events of " + slot.dataType(), () -> {
            events.addAll(slot.poll());
            return !events.isEmpty();
        });
        return events;
    }

    @Test
    void aHangingLoadIsRejectedWithTimeoutAndDoesNotBlockTheNextLoad() {
        SlotSettings settings = settings(ModelLoads.threads("test-loader", 1, 300), ModelCache.unbounded(), 1000);
        ServingSlot big = slot("big", ServingSlotState.getDefaultInstance(), settings);
        ServingSlot small = slot("test", ServingSlotState.getDefaultInstance(), settings);
        big.apply(HangingModelFactory.descriptor("big", "hung", 1, "hang").build());
        small.apply(constant("10").build());

        assertThat(pollUntilEvents(small))
                .as("one load at a time: the small one starts once the hung one is" + " abandoned")
                .extracting(ModelEvent::getType)
                .containsExactly(ModelEventType.ACTIVATED);
        assertThat(small.score(record(1)).getOutputsList()).containsExactly(11.0);
        assertThat(pollUntilEvents(big)).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
            assertThat(e.getModelName()).isEqualTo("hung");
            assertThat(e.getReason()).startsWith("TIMEOUT:").contains("hung@1", "300 ms", "--model-load-timeout-ms");
        });
        assertThat(big.loading()).isFalse();
        assertThat(big.score(record(1)).getStatus()).isEqualTo(ServingStatus.NO_MODEL);
        assertThat(loads.timeouts()).isEqualTo(1);
        await("the interrupted thread to end", () -> hanging.building() == 0 && loads.abandonedAlive() == 0);
        assertThat(loads.running()).isZero();
    }

    @Test
    void anAbandonedLoadThatReturnsLateHasItsModelClosed() {
        SlotSettings settings = settings(ModelLoads.threads("test-loader", 2, 200), ModelCache.unbounded(), 1000);
        ServingSlot slot = slot("big", ServingSlotState.getDefaultInstance(), settings);
        slot.apply(HangingModelFactory.descriptor("big", "stubborn", 1, "stubborn 1500")
                .build());
        assertThat(pollUntilEvents(slot))
                .singleElement()
                .satisfies(e -> assertThat(e.getReason()).startsWith("TIMEOUT:"));
        assertThat(loads.abandonedAlive())
                .as("the stubborn thread ignores its interrupt")
                .isEqualTo(1);
        assertThat(loads.running()).as("an abandoned load no longer counts").isZero();
        await("the late load to return", () -> loads.abandonedAlive() == 0);
        assertThat(hanging.openModels()).as("the late model was closed").isZero();
    }

    @Test
    void theLeastRecentlyUsedIdleModelIsEvictedAndRebuiltWithTheSameAnswers() {
        ModelCache cache = new ModelCache(2);
        SlotSettings settings = settings(ModelLoads.on(Runnable::run), cache, 1000);
        List<ServingSlot> three = new ArrayList<>();
        for (String type : List.of("a", "b", "c")) {
            ServingSlot slot = slot(type, ServingSlotState.getDefaultInstance(), settings);
            slot.apply(constant(type.equals("a") ? "10" : type.equals("b") ? "20" : "30")
                    .setDataType(type)
                    .build());
            assertThat(slot.poll()).extracting(ModelEvent::getType).containsExactly(ModelEventType.ACTIVATED);
            three.add(slot);
        }
        ServingSlot a = three.get(0);
        ServingSlot b = three.get(1);
        ServingSlot c = three.get(2);
        assertThat(cache.evictions()).isEqualTo(1);
        assertThat(cache.liveModels()).isEqualTo(2);
        await("a's evicted model to be closed", () -> loads.retirer().idle().isDone());
        assertThat(constants.openModels()).as("a's model was closed").isEqualTo(2);
        assertThat(a.currentId()).isEmpty();
        assertThat(a.currentDescriptor()).as("a still serves version 1").isPresent();

        c.score(record(1));
        ServingResult rebuilt = a.score(record(1));
        assertThat(rebuilt.getStatus()).isEqualTo(ServingStatus.SCORED);
        assertThat(rebuilt.getOutputsList()).containsExactly(11.0);
        assertThat(rebuilt.getModelVersion()).isEqualTo(1);
        assertThat(cache.evictions())
                .as("b, the least recently used, made room")
                .isEqualTo(2);
        assertThat(b.currentId()).isEmpty();
        assertThat(c.currentId()).isPresent();
        await("b's evicted model to be closed", () -> loads.retirer().idle().isDone());
        assertThat(constants.openModels()).isEqualTo(2);
        assertThat(b.score(record(2)).getOutputsList()).containsExactly(22.0);
        assertThat(c.score(record(3)).getOutputsList()).containsExactly(33.0);
        await("the evicted models to be closed", () -> loads.retirer().idle().isDone());
        assertThat(constants.openModels()).isEqualTo(2);
        assertThat(restoreWaits).as("synchronous rebuilds: no record waited").isEmpty();
    }

    @Test
    void aRecordWaitsForTheRebuildAfterARestoreAtMostTheBoundAndIsNotAnsweredNoModel() {
        SlotSettings direct = settings(ModelLoads.on(Runnable::run), ModelCache.unbounded(), 100);
        ServingSlot first = new ServingSlot("test", ServingSlotState.getDefaultInstance(), direct);
        first.apply(SlowModelFactory.descriptor("test", "slow", 3, 0, 0, 42).build());
        first.poll();
        ServingSlotState snapshot = first.snapshot().toBuilder()
                .setCurrent(SlowModelFactory.descriptor("test", "slow", 3, 1000, 0, 42))
                .build();
        first.close();
        loads.close();

        ServingSlot restored = slot(
                "test", snapshot, settings(ModelLoads.threads("test-loader", 2, 10_000), ModelCache.unbounded(), 100));
        restored.prepare();
        assertThat(restored.rebuilding()).isTrue();
        long start = System.nanoTime();
        ServingResult waited = restored.score(record(1));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(waited.getStatus()).isEqualTo(ServingStatus.FAILED);
        assertThat(waited.getError()).startsWith("model slow@3 is still being rebuilt after restore (waited ");
        assertThat(tookMillis).isBetween(100L, 900L);
        assertThat(restoreWaits)
                .singleElement()
                .satisfies(nanos ->
                        assertThat(TimeUnit.NANOSECONDS.toMillis(nanos)).isBetween(100L, 900L));

        await(
                "the rebuild",
                () -> !restored.rebuilding() || restored.score(record(1)).getStatus() == ServingStatus.SCORED);
        ServingResult scored = restored.score(record(1));
        assertThat(scored.getStatus()).isEqualTo(ServingStatus.SCORED);
        assertThat(scored.getOutputsList()).containsExactly(42.0);
        assertThat(scored.getModelVersion()).isEqualTo(3);
    }

    @Test
    void aModelInUseUnderItsGuardIsNotEvicted() throws Exception {
        ModelCache cache = new ModelCache(1);
        SlotSettings settings = settings(ModelLoads.on(Runnable::run), cache, 1000);
        ReentrantLock guard = new ReentrantLock();
        ServingSlot guarded = new ServingSlot("a", ServingSlotState.getDefaultInstance(), settings, guard);
        slots.add(guarded);
        guarded.apply(constant("10").setDataType("a").build());
        guarded.poll();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread scorer = new Thread(() -> {
            guard.lock();
            try {
                held.countDown();
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                guard.unlock();
            }
        });
        scorer.start();
        held.await();
        ServingSlot other = slot("b", ServingSlotState.getDefaultInstance(), settings);
        other.apply(constant("20").setDataType("b").build());
        other.poll();
        assertThat(cache.evictions()).as("the guarded model is in use").isZero();
        assertThat(cache.liveModels())
                .as("over capacity until the next admission")
                .isEqualTo(2);
        assertThat(guarded.currentId()).isPresent();
        done.countDown();
        scorer.join();

        ServingSlot third = slot("c", ServingSlotState.getDefaultInstance(), settings);
        third.apply(constant("30").setDataType("c").build());
        third.poll();
        assertThat(cache.evictions()).isEqualTo(2);
        assertThat(cache.liveModels()).isEqualTo(1);
        assertThat(guarded.currentId()).isEmpty();
        assertThat(guarded.score(record(1)).getOutputsList()).containsExactly(11.0);
    }

    /** Type "SCARCE": refuses with RESOURCE_LIMIT while {@code full} is set, else a model answering 5. */
    private static final class ScarceModelFactory implements ModelFactory {

        private volatile boolean full;

        @Override
        public String type() {
            return "SCARCE";
        }

        @Override
        public Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy)
                throws ModelLoadException {
            if (full) {
                throw new ModelLoadException(ModelProblem.RESOURCE_LIMIT, "the budget is full");
            }
            ModelId id = ModelId.of(descriptor, artifact);
            return new Model() {
                @Override
                public ModelId id() {
                    return id;
                }

                @Override
                public Prediction score(DataRecord record) {
                    return Prediction.score(5);
                }

                @Override
                public void close() {}
            };
        }
    }

    @Test
    void aRebuildRefusedForLackOfResourcesIsTriedAgainLater() {
        SlotSettings settings = settings(ModelLoads.on(Runnable::run), ModelCache.unbounded(), 1000);
        ModelDescriptor scarceModel = constant("0").setCustomType("SCARCE").build();
        ServingSlot first = new ServingSlot("test", ServingSlotState.getDefaultInstance(), settings);
        first.apply(scarceModel);
        first.poll();
        ServingSlotState snapshot = first.snapshot();
        first.close();

        scarce.full = true;
        ServingSlot restored = slot("test", snapshot, settings);
        ServingResult refused = restored.score(record(1));
        assertThat(refused.getStatus()).isEqualTo(ServingStatus.FAILED);
        assertThat(refused.getError()).contains("could not be rebuilt", "RESOURCE_LIMIT", "tried again in 1000 ms");
        scarce.full = false;
        assertThat(restored.score(record(1)).getStatus())
                .as("not before the retry time")
                .isEqualTo(ServingStatus.FAILED);
        await("the retried rebuild", () -> restored.score(record(1)).getStatus() == ServingStatus.SCORED);
        assertThat(restored.score(record(1)).getOutputsList()).containsExactly(5.0);
    }

    @Test
    void theActivatedEventTellsHowLongTheLoadRanWithoutTheQueueing() {
        SlotSettings settings = settings(ModelLoads.threads("test-loader", 1, 10_000), ModelCache.unbounded(), 1000);
        ServingSlot first = slot("first", ServingSlotState.getDefaultInstance(), settings);
        ServingSlot second = slot("second", ServingSlotState.getDefaultInstance(), settings);
        first.apply(SlowModelFactory.descriptor("first", "slow", 1, 400, 0, 1).build());
        second.apply(SlowModelFactory.descriptor("second", "quick", 1, 0, 0, 2).build());

        ModelEvent slow = pollUntilEvents(first).get(0);
        ModelEvent quick = pollUntilEvents(second).get(0);
        assertThat(slow.getType()).isEqualTo(ModelEventType.ACTIVATED);
        assertThat(slow.getLoadMillis()).isBetween(400L, 10_000L);
        assertThat(quick.getType()).isEqualTo(ModelEventType.ACTIVATED);
        assertThat(quick.getLoadMillis())
                .as("waited ~400 ms for the only load place; that is not load time")
                .isLessThan(300L);
    }
}
