package dev.modelserving.job.serve;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A serving function that holds records back in batches, and what its operator calls to flush them: all of them
 * before every checkpoint barrier and at the end of input ({@link #flushAll}), and, for operators without keyed
 * timers, those whose timeout has passed ({@link #flushDue}).
 *
 * @param <OUT> the main output type
 */
public interface BatchFlushing<OUT> {

    /**
     * Scores and emits every record held back.
     *
     * @param setKey switches the operator's current key to a batch's key before it is flushed (keyed state access);
     *     ignored by non-keyed functions
     */
    void flushAll(Consumer<String> setKey, BatchOutput<OUT> out) throws Exception;

    /** Scores and emits the batches whose timeout has passed at {@code nowMillis} (processing time). */
    default void flushDue(long nowMillis, BatchOutput<OUT> out) throws Exception {}

    /** The earliest processing time a batch must be flushed at, or {@link Long#MAX_VALUE} when none is open. */
    default long nextFlushMillis() {
        return Long.MAX_VALUE;
    }

    /** The operator's processing-time clock, for functions that have no timer service of their own. */
    default void useProcessingTime(LongSupplier clock) {}
}
