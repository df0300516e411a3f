package dev.modelserving.flink.serving;

import java.io.Serializable;

/**
 * How the serving operators batch records: at most {@code size} records per model and call, flushed at the latest
 * {@code timeoutMicros} after the first of them arrived (and always before a checkpoint barrier, at a model change
 * and at the end of input).
 *
 * @param size most records per batch; 1: no batching, every record is scored as it arrives
 * @param timeoutMicros longest wait of the first record of a batch, in microseconds (≥ 1 when batching)
 */
public record BatchSettings(int size, long timeoutMicros) implements Serializable {

    private static final long serialVersionUID = 1L;
    /** The job's default batch size (see {@link BatchingOptions#BATCH_SIZE}). */
    public static final int DEFAULT_SIZE = 32;
    /** The job's default timeout (see {@link BatchingOptions#BATCH_TIMEOUT_US}). */
    public static final long DEFAULT_TIMEOUT_MICROS = 1000;
    /** The largest batch accepted: bounds the records an operator holds per model between two flushes. */
    public static final int MAX_SIZE = 4096;
    /** The longest timeout accepted: one minute. */
    public static final long MAX_TIMEOUT_MICROS = 60_000_000;

    public BatchSettings {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("batch size must be in [1, " + MAX_SIZE + "]: " + size);
        }
        if (timeoutMicros < 1 || timeoutMicros > MAX_TIMEOUT_MICROS) {
            throw new IllegalArgumentException(
                    "batch timeout must be in [1, " + MAX_TIMEOUT_MICROS + "] microseconds: " + timeoutMicros);
        }
    }

    /** No batching: every record is scored as it arrives. */
    public static BatchSettings off() {
        return new BatchSettings(1, DEFAULT_TIMEOUT_MICROS);
    }

    /** The job's defaults. */
    public static BatchSettings defaults() {
        return new BatchSettings(DEFAULT_SIZE, DEFAULT_TIMEOUT_MICROS);
    }

    /** Whether records are batched at all. */
    public boolean enabled() {
        return size > 1;
    }

    /** The timeout as a delay of a processing-time timer: whole milliseconds, rounded up, at least 1. */
    public long timerDelayMillis() {
        return Math.max(1, (timeoutMicros + 999) / 1000);
    }

    /**
     * Flink fires a processing-time timer 1 ms after its timestamp (so that no record of the same millisecond comes
     * after it): a batch's flush timer is registered this much before the batch's deadline, and a firing timer
     * stands for its timestamp plus this much. Without it a batch waits up to the timeout plus 1 ms.
     */
    public static final long TIMER_FIRING_OFFSET_MILLIS = 1;

    /** The timestamp of the timer that flushes a batch due at {@code deadlineMillis}. */
    public static long timerFor(long deadlineMillis) {
        return deadlineMillis - TIMER_FIRING_OFFSET_MILLIS;
    }

    /** The time a timer of {@code timestamp} fires at, against which batches are due. */
    public static long firingTime(long timestamp) {
        return timestamp + TIMER_FIRING_OFFSET_MILLIS;
    }
}
