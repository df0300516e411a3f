package dev.modelserving.model.serving;

import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.drift.DriftSettings;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * What every serving slot of one operator instance shares.
 *
 * @param loader builds and validates models from descriptors
 * @param loads where candidates load and live models are rebuilt, off the scoring thread, with a deadline; its
 *     {@link ModelLoads#retirer() retirer} closes the models that stop serving, off the scoring thread too
 * @param emitter who emits the events (operator name and subtask), for {@code ModelEvent.emitted_by}
 * @param maxHistory how many earlier versions a slot keeps for rollback
 * @param clockMillis wall clock for event timestamps
 * @param cache the live models of the operator instance, bounded
 * @param restoreWaitMillis how long a record may wait for its slot's model to be rebuilt (after a restore or an
 *     eviction) before it is answered FAILED
 * @param restoreWaits told the nanoseconds every such wait took (a metric)
 * @param drift how the slots watch the drift of models whose descriptors carry training statistics
 */
public record SlotSettings(
        ModelLoader loader,
        ModelLoads loads,
        String emitter,
        int maxHistory,
        LongSupplier clockMillis,
        ModelCache cache,
        long restoreWaitMillis,
        LongConsumer restoreWaits,
        DriftSettings drift) {

    public static final int DEFAULT_MAX_HISTORY = 3;

    public SlotSettings {
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(loads, "loads");
        Objects.requireNonNull(emitter, "emitter");
        Objects.requireNonNull(clockMillis, "clockMillis");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(restoreWaits, "restoreWaits");
        Objects.requireNonNull(drift, "drift");
        if (maxHistory < 0) {
            throw new IllegalArgumentException("maxHistory must be >= 0");
        }
        if (restoreWaitMillis < 0) {
            throw new IllegalArgumentException("restoreWaitMillis must be >= 0");
        }
    }

    /** Settings with the default drift settings. */
    public SlotSettings(
            ModelLoader loader,
            ModelLoads loads,
            String emitter,
            int maxHistory,
            LongSupplier clockMillis,
            ModelCache cache,
            long restoreWaitMillis,
            LongConsumer restoreWaits) {
        this(
                loader,
                loads,
                emitter,
                maxHistory,
                clockMillis,
                cache,
                restoreWaitMillis,
                restoreWaits,
                DriftSettings.defaults());
    }

    /** The same settings with other drift settings. */
    public SlotSettings withDrift(DriftSettings other) {
        return new SlotSettings(
                loader, loads, emitter, maxHistory, clockMillis, cache, restoreWaitMillis, restoreWaits, other);
    }

    /**
     * Settings that load on {@code loadExecutor} ({@code Runnable::run} loads synchronously) without deadline, with
     * no bound on live models and the default restore wait.
     */
    public SlotSettings(
            ModelLoader loader, Executor loadExecutor, String emitter, int maxHistory, LongSupplier clockMillis) {
        this(
                loader,
                ModelLoads.on(loadExecutor),
                emitter,
                maxHistory,
                clockMillis,
                ModelCache.unbounded(),
                ServingBounds.DEFAULT_RESTORE_WAIT_MILLIS,
                nanos -> {});
    }
}
