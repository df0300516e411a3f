package dev.modelserving.model.serving;

import dev.modelserving.model.ModelLoader;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * What every serving slot of one operator instance shares.
 *
 * @param loader builds and validates models from descriptors
 * @param loadExecutor where candidates load, off the scoring thread ({@code Runnable::run} loads synchronously)
 * @param emitter who emits the events (operator name and subtask), for {@code ModelEvent.emitted_by}
 * @param maxHistory how many earlier versions a slot keeps for rollback
 * @param clockMillis wall clock for event timestamps
 */
public record SlotSettings(
        ModelLoader loader, Executor loadExecutor, String emitter, int maxHistory, LongSupplier clockMillis) {

    public static final int DEFAULT_MAX_HISTORY = 3;

    public SlotSettings {
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(loadExecutor, "loadExecutor");
        Objects.requireNonNull(emitter, "emitter");
        Objects.requireNonNull(clockMillis, "clockMillis");
        if (maxHistory < 0) {
            throw new IllegalArgumentException("maxHistory must be >= 0");
        }
    }
}
