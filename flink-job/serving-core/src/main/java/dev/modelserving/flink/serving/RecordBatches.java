package dev.modelserving.flink.serving;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records an operator instance holds back per model key (a data type, an executor key) until their batch is
 * full, its timeout has passed or the operator must flush (before a checkpoint barrier, at a model change, at the end
 * of input). Records of one key stay in arrival order. Transient: a flush before every barrier leaves nothing to
 * checkpoint. One thread (the operator's).
 *
 * @param <T> the buffered element
 */
public final class RecordBatches<T> {

    /** The records of one key, with when the first arrived (processing time, ms) and each arrival (nanos). */
    public static final class Batch<T> {
        private final List<T> items = new ArrayList<>();
        private final List<Long> arrivalNanos = new ArrayList<>();
        private final long deadlineMillis;

        Batch(long deadlineMillis) {
            this.deadlineMillis = deadlineMillis;
        }

        public List<T> items() {
            return Collections.unmodifiableList(items);
        }

        /** When each item arrived ({@link System#nanoTime()}), in item order. */
        public List<Long> arrivalNanos() {
            return Collections.unmodifiableList(arrivalNanos);
        }

        /** Processing time (ms) by which the batch must be flushed. */
        public long deadlineMillis() {
            return deadlineMillis;
        }
    }

    private final BatchSettings settings;
    private final Map<String, Batch<T>> open = new LinkedHashMap<>();

    public RecordBatches(BatchSettings settings) {
        this.settings = settings;
    }

    /**
     * Adds a record to its key's batch. The batch closes when it is full, or when this record arrives after the
     * batch's first record has waited the timeout: in a stream that keeps coming, no record waits longer than the
     * timeout (measured with {@link System#nanoTime()}); the processing-time timer of the deadline, whole
     * milliseconds, only flushes a batch whose stream stopped.
     *
     * @param nowMillis processing time now, which starts the timeout of a new batch
     * @return the batch, when it is now full or due and must be flushed (it is removed); otherwise null
     */
    public Batch<T> add(String key, T item, long nowMillis) {
        Batch<T> batch = open.computeIfAbsent(key, k -> new Batch<>(nowMillis + settings.timerDelayMillis()));
        long arrival = System.nanoTime();
        batch.items.add(item);
        batch.arrivalNanos.add(arrival);
        if (batch.items.size() >= settings.size()
                || arrival - batch.arrivalNanos.get(0) >= settings.timeoutMicros() * 1000) {
            open.remove(key);
            return batch;
        }
        return null;
    }

    /** Whether a batch {@link #add} returned closed because it was full (else: its first record waited the timeout). */
    public boolean isFull(Batch<T> batch) {
        return batch.items.size() >= settings.size();
    }

    /** Whether this add starts a new batch of the key (so a timer for its deadline is needed). */
    public boolean isOpen(String key) {
        return open.containsKey(key);
    }

    /** Removes and returns the batch of a key, or null when it has none. */
    public Batch<T> take(String key) {
        return open.remove(key);
    }

    /** Removes and returns the batch of a key if its deadline has passed at {@code nowMillis}, else null. */
    public Batch<T> takeIfDue(String key, long nowMillis) {
        Batch<T> batch = open.get(key);
        if (batch == null || batch.deadlineMillis > nowMillis) {
            return null;
        }
        return open.remove(key);
    }

    /** The keys with an open batch, in the order their batches started (a copy). */
    public Set<String> keys() {
        return new java.util.LinkedHashSet<>(open.keySet());
    }

    /** The earliest deadline of all open batches, or {@link Long#MAX_VALUE} when none is open. */
    public long earliestDeadlineMillis() {
        long earliest = Long.MAX_VALUE;
        for (Batch<T> batch : open.values()) {
            earliest = Math.min(earliest, batch.deadlineMillis);
        }
        return earliest;
    }

    /** Whether no record is held back. */
    public boolean isEmpty() {
        return open.isEmpty();
    }

    public BatchSettings settings() {
        return settings;
    }
}
