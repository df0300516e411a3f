package dev.modelserving.model.serving;

import dev.modelserving.model.LoadedModel;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.Scored;
import dev.modelserving.model.ScoringException;
import dev.modelserving.model.warmup.WarmUpReport;
import dev.modelserving.proto.DataRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live models shared by every user that asks for the same model version with the same descriptor (the slots of
 * all subtasks on one TaskManager, in the serving job): one instance is built, validated and warmed up, every user
 * gets a {@link Model} lease on it, and the instance is closed when the last lease is closed. A 300 MB SavedModel
 * served by p slots of a TaskManager thus costs one copy of memory, not p.
 *
 * <p>Users ask with a key that identifies the descriptor exactly (see {@code ModelLoader}); a user that asks while
 * the instance is still being built waits for that build instead of starting another, and gets its failure if it
 * fails (the next ask after a failure builds again). Our model wrappers keep reusable buffers (ONNX input buffers,
 * interpreters), so a lease serialises calls to its instance with one lock per instance: slots of one TaskManager
 * that score the same version at the same instant take turns. Thread-safe.
 */
public final class SharedModels {

    private static final Logger LOG = LoggerFactory.getLogger(SharedModels.class);

    /** Builds the instance of a key (on the asking thread). */
    @FunctionalInterface
    public interface Build {
        LoadedModel build() throws ModelLoadException;
    }

    private final Map<String, Entry> entries = new HashMap<>();
    private final AtomicLong builds = new AtomicLong();
    private final AtomicLong closes = new AtomicLong();

    /**
     * A lease on the instance of {@code key}, built by {@code build} if no instance of that key is live or being
     * built; the caller closes the lease when done.
     *
     * @throws ModelLoadException the build's failure (for every user waiting for that build)
     * @throws InterruptedException when interrupted while waiting for another user's build
     */
    public LoadedModel acquire(String key, Build build) throws ModelLoadException, InterruptedException {
        Entry entry;
        boolean builder;
        synchronized (this) {
            entry = entries.get(key);
            builder = entry == null;
            if (builder) {
                entry = new Entry(key);
                entries.put(key, entry);
            }
            entry.references++;
        }
        if (builder) {
            return buildFor(entry, build);
        }
        try {
            LoadedModel instance = entry.instance.get();
            return new LoadedModel(new Lease(entry, instance.model()), WarmUpReport.none(), true);
        } catch (ExecutionException e) {
            release(entry);
            if (e.getCause() instanceof ModelLoadException failure) {
                throw failure;
            }
            throw new IllegalStateException("the shared build of " + key + " failed", e.getCause());
        } catch (InterruptedException | RuntimeException e) {
            release(entry);
            throw e;
        }
    }

    private LoadedModel buildFor(Entry entry, Build build) throws ModelLoadException {
        LoadedModel built;
        try {
            built = build.build();
        } catch (ModelLoadException | RuntimeException | Error e) {
            synchronized (this) {
                entries.remove(entry.key, entry);
            }
            entry.instance.completeExceptionally(e);
            throw e;
        }
        builds.incrementAndGet();
        entry.instance.complete(built);
        return new LoadedModel(new Lease(entry, built.model()), built.warmUp(), false);
    }

    private void release(Entry entry) {
        boolean last;
        synchronized (this) {
            last = --entry.references == 0;
            if (last) {
                entries.remove(entry.key, entry);
            }
        }
        if (last) {
            LoadedModel built = entry.instance.getNow(null);
            if (built != null) {
                closes.incrementAndGet();
                try {
                    built.model().close();
                } catch (RuntimeException e) {
                    LOG.warn("closing the shared model {} failed", entry.key, e);
                }
            }
        }
    }

    /** Instances built since this registry was made (a second user of a live instance builds nothing). */
    public long builds() {
        return builds.get();
    }

    /** Instances closed because their last lease was closed. */
    public long closes() {
        return closes.get();
    }

    /** Instances live or being built now. */
    public synchronized int instances() {
        return entries.size();
    }

    /** Open leases on the instance of {@code key} (0: none live). */
    public synchronized int references(String key) {
        Entry entry = entries.get(key);
        return entry == null ? 0 : entry.references;
    }

    /** One instance: its build, its users, and the lock its leases score under. */
    private static final class Entry {
        final String key;
        final CompletableFuture<LoadedModel> instance = new CompletableFuture<>();
        final ReentrantLock scoring = new ReentrantLock();
        int references;

        Entry(String key) {
            this.key = key;
        }
    }

    /** One user's handle on a shared instance: scores under the instance's lock; its first close releases it. */
    private final class Lease implements Model {

        private final Entry entry;
        private final Model model;
        private boolean closed;

        Lease(Entry entry, Model model) {
            this.entry = entry;
            this.model = model;
        }

        @Override
        public ModelId id() {
            return model.id();
        }

        @Override
        public Prediction score(DataRecord record) throws ScoringException {
            entry.scoring.lock();
            try {
                return model.score(record);
            } finally {
                entry.scoring.unlock();
            }
        }

        @Override
        public List<Scored> scoreBatch(List<DataRecord> records) {
            entry.scoring.lock();
            try {
                return model.scoreBatch(records);
            } finally {
                entry.scoring.unlock();
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release(entry);
        }
    }
}
