package dev.modelserving.model.serving;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live models of one operator instance (subtask), across all its slots, bounded by {@code capacity}
 * ({@code --max-live-models}): models hold native memory, and a subtask serving thousands of data types must not
 * keep thousands of TF sessions open.
 *
 * <p>A slot {@link #admit admits} its model when it becomes live (activation of a candidate, or a rebuild from the
 * slot's descriptors) and {@link #touch touches} it at every use. While more models are live than the capacity,
 * the least recently used one of another slot is evicted: that slot closes its model and rebuilds it from its
 * descriptor state when it is next needed. Eviction changes nothing in what serves (the descriptor stays current),
 * so it emits no model event: it is counted ({@link #evictions()}) and logged.
 *
 * <p>Eviction never closes a model in use: a {@link Holder} evicts only if it can take its slot's guard at once (the
 * speculative executors score on their own threads under that guard; the other modes use one thread). When every
 * other live model is in use at that very moment, the cache stays over its capacity until the next admission (it
 * never waits, so two slots evicting each other cannot deadlock). Models count from the moment they are live: a
 * candidate being built is not counted (those are bounded by the number of concurrent loads).
 */
public final class ModelCache {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

    /** A slot whose live model the cache may take away. */
    public interface Holder {

        /** Closes the live model if nobody uses it right now; false when it is in use (the cache picks another). */
        boolean evictIfIdle();

        /** Names the model, for the log line. */
        String describe();
    }

    private final int capacity;
    private final LinkedHashMap<Holder, Boolean> live = new LinkedHashMap<>(16, 0.75f, true);
    private long evictions;

    /** A cache of at most {@code capacity} live models (at least 1). */
    public ModelCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the live model capacity must be >= 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** No bound (tests, and slots used on their own). */
    public static ModelCache unbounded() {
        return new ModelCache(Integer.MAX_VALUE);
    }

    public int capacity() {
        return capacity;
    }

    /** Models live now. */
    public synchronized int liveModels() {
        return live.size();
    }

    /** Models evicted since this cache was created. */
    public synchronized long evictions() {
        return evictions;
    }

    /** A holder's model is used: it becomes the most recently used. */
    public synchronized void touch(Holder holder) {
        live.get(holder);
    }

    /** A holder's model became live: counts it, then evicts idle models of other holders while over capacity. */
    public void admit(Holder holder) {
        List<String> evicted = new ArrayList<>();
        synchronized (this) {
            live.put(holder, Boolean.TRUE);
            Iterator<Holder> oldestFirst = live.keySet().iterator();
            while (live.size() > capacity && oldestFirst.hasNext()) {
                Holder candidate = oldestFirst.next();
                if (candidate != holder && candidate.evictIfIdle()) {
                    oldestFirst.remove();
                    evictions++;
                    evicted.add(candidate.describe());
                }
            }
        }
        for (String model : evicted) {
            LOG.info(
                    "evicted the idle model {} to stay within {} live models (--max-live-models); it is rebuilt"
                            + " from its descriptor when next needed",
                    model,
                    capacity);
        }
    }

    /** A holder's model is no longer live (closed, replaced, removed or evicted). */
    public synchronized void release(Holder holder) {
        live.remove(holder);
    }
}
