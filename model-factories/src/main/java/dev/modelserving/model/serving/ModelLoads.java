package dev.modelserving.model.serving;

import dev.modelserving.model.LoadedModel;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.warmup.WarmUpReport;
import dev.modelserving.proto.ModelDescriptor;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the model loads (build + validate) of one operator instance run: at most {@code maxConcurrent} at once, each
 * within a deadline, in arrival order.
 *
 * <p>A model is code, and its library may hang (a huge PMML forest, a native call that never returns). A load that
 * passes its deadline is abandoned: its future completes at once with a {@link ModelLoadException} of problem
 * {@link ModelProblem#TIMEOUT}, its thread is interrupted, and it no longer counts against {@code maxConcurrent}, so
 * the loads queued behind it start. Should the abandoned load finish after all, its model is closed. The deadline
 * counts from the moment the load starts running, not while it waits for a free place.
 *
 * <p>{@link #threads} starts one daemon thread per load (a thread costs nothing next to loading a model, and a hung
 * one must never hold up a pool); {@link #on} runs loads on a given executor, without deadline or bound (tests, and
 * {@code Runnable::run} for synchronous loading).
 *
 * <p>The same instance owns the {@link #retirer()}, which closes the models that stopped serving off the scoring
 * thread, on a thread of its own (a close never takes one of the {@code maxConcurrent} places of the loads). A load
 * first waits, on its own thread and at most {@link #RETIRED_WAIT_MILLIS}, for the models retired before it was
 * asked for, so that it finds their resources (the unpacked bytes budget, native memory) given back as when they
 * were closed on the spot. {@link #close()} waits a bounded time for the retired models still being closed.
 */
public final class ModelLoads implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelLoads.class);

    private final Executor starter;
    private final int maxConcurrent;
    private final long timeoutMillis;
    private final ScheduledThreadPoolExecutor timer;
    private final ArrayDeque<Load> waiting = new ArrayDeque<>();
    private final Set<Load> running = new HashSet<>();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicInteger abandonedAlive = new AtomicInteger();
    private final ModelRetirer retirer;
    private boolean closed;

    private ModelLoads(Executor starter, int maxConcurrent, long timeoutMillis, String timerName, String retirerName) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be >= 1, got " + maxConcurrent);
        }
        if (timeoutMillis < 0) {
            throw new IllegalArgumentException("timeoutMillis must be >= 0, got " + timeoutMillis);
        }
        this.starter = starter;
        this.maxConcurrent = maxConcurrent;
        this.timeoutMillis = timeoutMillis;
        this.retirer = new ModelRetirer(retirerName);
        if (timeoutMillis > 0) {
            timer = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, timerName);
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
        } else {
            timer = null;
        }
    }

    /**
     * Stack of a load thread: model runtimes parse and initialise in deep native frames (ONNX Runtime's first session
     * was seen to overflow a 1 MiB stack that already held some frames), so loads get more than the JVM's default.
     */
    public static final long LOAD_THREAD_STACK_BYTES = 8L << 20;

    /**
     * Longest wait of a load for the models retired before it (a hung close must not hold up every later load): after
     * it the load goes on, and may find their resources still taken. The wait runs on the load's thread, within its
     * deadline, and is not part of its reported load time.
     */
    public static final long RETIRED_WAIT_MILLIS = 2000;

    /**
     * Loads on fresh daemon threads named {@code namePrefix-<n>} (stack {@link #LOAD_THREAD_STACK_BYTES}), at most
     * {@code maxConcurrent} at once, each with a deadline of {@code timeoutMillis} (0: none); retired models are closed
     * on the thread {@code namePrefix-retirer}.
     */
    public static ModelLoads threads(String namePrefix, int maxConcurrent, long timeoutMillis) {
        AtomicInteger count = new AtomicInteger();
        Executor newThread = runnable -> {
            Thread thread =
                    new Thread(null, runnable, namePrefix + "-" + count.incrementAndGet(), LOAD_THREAD_STACK_BYTES);
            thread.setDaemon(true);
            thread.start();
        };
        return new ModelLoads(
                newThread, maxConcurrent, timeoutMillis, namePrefix + "-deadlines", namePrefix + "-retirer");
    }

    /** Loads on {@code executor}, no deadline and no bound of its own. */
    public static ModelLoads on(Executor executor) {
        return new ModelLoads(executor, Integer.MAX_VALUE, 0, "unused", "model-retirer");
    }

    /** Loads on {@code executor} with a deadline (tests of the deadline with a controlled executor). */
    public static ModelLoads on(Executor executor, int maxConcurrent, long timeoutMillis) {
        return new ModelLoads(executor, maxConcurrent, timeoutMillis, "model-load-deadlines", "model-retirer");
    }

    /** Where the models that stopped serving are closed, off the scoring thread. */
    public ModelRetirer retirer() {
        return retirer;
    }

    /** The deadline of one load in milliseconds (0: none). */
    public long timeoutMillis() {
        return timeoutMillis;
    }

    /** How many loads passed their deadline since this instance started. */
    public long timeouts() {
        return timeouts.get();
    }

    /** Abandoned loads whose thread has not returned yet (a hung library keeps its thread). */
    public int abandonedAlive() {
        return abandonedAlive.get();
    }

    /** Loads counted against the bound now (running and not abandoned). */
    public synchronized int running() {
        return running.size();
    }

    /**
     * Loads and validates a descriptor's model. The future completes with the model, or exceptionally with the
     * {@link ModelLoadException} (TIMEOUT included) or another failure of the load; a caller that no longer wants
     * the model closes it when the future completes.
     */
    public Loading load(ModelLoader loader, ModelDescriptor descriptor) {
        Load load = new Load(loader, descriptor, retirer.idle());
        synchronized (this) {
            if (closed) {
                Loading refused = new Loading();
                refused.completeExceptionally(new RejectedExecutionException("the model loads are closed"));
                return refused;
            }
            waiting.add(load);
        }
        dispatch();
        return load.result;
    }

    /**
     * Stops: queued loads fail, running ones are interrupted (their late models are closed); then waits at most
     * {@link ModelRetirer#CLOSE_WAIT_MILLIS} for the retired models still being closed, so their native resources are
     * freed before the operator and its class loader go away (later retirements close on the retiring thread).
     */
    @Override
    public void close() {
        List<Load> queued;
        List<Load> active;
        synchronized (this) {
            closed = true;
            queued = List.copyOf(waiting);
            waiting.clear();
            active = List.copyOf(running);
        }
        for (Load load : queued) {
            load.result.completeExceptionally(new RejectedExecutionException("the model loads were closed"));
        }
        for (Load load : active) {
            load.interrupt();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        retirer.close();
    }

    private void dispatch() {
        while (true) {
            Load next;
            synchronized (this) {
                if (closed || running.size() >= maxConcurrent || waiting.isEmpty()) {
                    return;
                }
                next = waiting.poll();
                running.add(next);
            }
            try {
                starter.execute(next);
            } catch (RejectedExecutionException e) {
                next.result.completeExceptionally(e);
                release(next);
            }
        }
    }

    private void release(Load load) {
        boolean removed;
        synchronized (this) {
            removed = running.remove(load);
        }
        if (removed) {
            dispatch();
        }
    }

    /**
     * The future of one load, which also tells how long the load (build + validation) ran: the metrics and the
     * ACTIVATED event report it. Queueing for a free place is not counted.
     */
    public static final class Loading extends CompletableFuture<Model> {

        private volatile long loadMillis;
        private volatile WarmUpReport warmUp = WarmUpReport.none();
        private volatile boolean shared;

        /** Milliseconds the load ran until it returned a model or failed; 0 before (and for a refused load). */
        public long loadMillis() {
            return loadMillis;
        }

        /** What the warm-up of the loaded model did (part of {@link #loadMillis()}); none before it completed. */
        public WarmUpReport warmUp() {
            return warmUp;
        }

        /** Whether the model is a lease on an instance another user had already loaded (nothing was built). */
        public boolean shared() {
            return shared;
        }
    }

    /** One load: runs on its thread; {@link #expire()} runs on the timer thread. */
    private final class Load implements Runnable {

        private final ModelLoader loader;
        private final ModelDescriptor descriptor;
        private final Loading result = new Loading();
        /** Completes once the models retired before this load was asked for are closed. */
        private final CompletableFuture<Void> retiredBefore;

        private Thread thread;
        private boolean finished;
        private boolean abandoned;
        private boolean interrupted;
        private ScheduledFuture<?> deadline;

        Load(ModelLoader loader, ModelDescriptor descriptor, CompletableFuture<Void> retiredBefore) {
            this.loader = loader;
            this.descriptor = descriptor;
            this.retiredBefore = retiredBefore;
        }

        @Override
        public void run() {
            synchronized (this) {
                thread = Thread.currentThread();
                if (timer != null && !timer.isShutdown()) {
                    try {
                        deadline = timer.schedule(this::expire, timeoutMillis, TimeUnit.MILLISECONDS);
                    } catch (RejectedExecutionException e) {
                        LOG.debug(
                                "no deadline for {}@{}: the loads are closing",
                                descriptor.getName(),
                                descriptor.getVersion(),
                                e);
                    }
                }
            }
            awaitRetiredBefore();
            Model model = null;
            Throwable failure = null;
            long started = System.nanoTime();
            try {
                LoadedModel loaded = loader.loadAndWarmUp(descriptor);
                model = loaded.model();
                result.warmUp = loaded.warmUp();
                result.shared = loaded.shared();
            } catch (ModelLoadException | RuntimeException | LinkageError e) {
                failure = e;
            }
            result.loadMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            boolean wasAbandoned;
            synchronized (this) {
                finished = true;
                wasAbandoned = abandoned;
                thread = null;
                if (interrupted) {
                    // The interrupt meant for this load must not reach whatever the thread runs next.
                    Thread.interrupted();
                }
                if (deadline != null) {
                    deadline.cancel(false);
                }
            }
            if (wasAbandoned) {
                LOG.warn(
                        "the abandoned load of model {}@{} (data type '{}') returned after its deadline; {}",
                        descriptor.getName(),
                        descriptor.getVersion(),
                        descriptor.getDataType(),
                        model != null ? "its model is closed" : "it failed: " + failure);
                closeLate(model);
                abandonedAlive.decrementAndGet();
                return;
            }
            boolean delivered = model != null ? result.complete(model) : result.completeExceptionally(failure);
            if (!delivered) {
                closeLate(model);
            }
            release(this);
        }

        /**
         * Waits (bounded) until the models retired before this load are closed, so it finds their resources given
         * back. Interrupted (the deadline passed, or the loads closed): the load goes on and is abandoned as usual.
         */
        private void awaitRetiredBefore() {
            if (retiredBefore.isDone()) {
                return;
            }
            try {
                retiredBefore.get(RETIRED_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warn(
                        "loading model {}@{} (data type '{}') although {} retired models are still being closed after"
                                + " {} ms",
                        descriptor.getName(),
                        descriptor.getVersion(),
                        descriptor.getDataType(),
                        retirer.pending(),
                        RETIRED_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the close futures of the retirer never fail", e);
            }
        }

        /** The deadline passed: the load is abandoned, unless it finished at the same moment. */
        private void expire() {
            synchronized (this) {
                if (finished || abandoned) {
                    return;
                }
                abandoned = true;
                abandonedAlive.incrementAndGet();
                if (thread != null) {
                    interrupted = true;
                    thread.interrupt();
                }
            }
            timeouts.incrementAndGet();
            String reason = "loading and validating model " + descriptor.getName() + "@" + descriptor.getVersion()
                    + " took longer than " + timeoutMillis + " ms (--model-load-timeout-ms); its thread was"
                    + " interrupted and abandoned";
            LOG.warn("{} (data type '{}')", reason, descriptor.getDataType());
            result.completeExceptionally(new ModelLoadException(ModelProblem.TIMEOUT, reason));
            release(this);
        }

        private void interrupt() {
            synchronized (this) {
                if (thread != null && !finished) {
                    interrupted = true;
                    thread.interrupt();
                }
            }
        }

        private void closeLate(Model model) {
            if (model == null) {
                return;
            }
            try {
                model.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the late model {}@{} failed", descriptor.getName(), descriptor.getVersion(), e);
            }
        }
    }
}
