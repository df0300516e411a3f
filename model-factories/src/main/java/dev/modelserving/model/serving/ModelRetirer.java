package dev.modelserving.model.serving;

import dev.modelserving.model.Model;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the models that stopped serving (superseded at activation, rolled back from, removed, evicted, or loaded
 * for nobody) on one daemon thread of its own, so that the scoring thread does not wait for them: closing a TF
 * session, an ONNX session or a big PMML evaluator takes from under a millisecond to tens of milliseconds, and every
 * record of the operator instance would wait that long at a swap.
 *
 * <p>A model handed to {@link #retire} must no longer be reachable by its former user: the retirer is its only user
 * from then on, and closes it exactly once. Models are closed one at a time, in the order they were retired; a close
 * that fails is logged (and counted), never thrown to whoever retired the model. The thread is started at the first
 * retirement and ends when it has been idle for {@link #KEEP_ALIVE_MILLIS}, so a retirer that is never closed (its
 * owner failed before it could close it) leaves no thread behind, nor the class loader that thread would pin.
 *
 * <p>One thread, apart from the loads: a close never takes a place of the bounded loads, and a slow close delays only
 * the closes behind it. {@link #close} waits a bounded time for the closes still queued, so that native resources
 * are freed before the operator (and its user-code class loader) goes away; models retired after that are closed on
 * the calling thread.
 */
public final class ModelRetirer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRetirer.class);

    /** How long {@link #close()} waits for the models still queued. */
    public static final long CLOSE_WAIT_MILLIS = 10_000;
    /**
     * How long the idle thread stays before it ends (a new one starts at the next retirement, which costs the
     * retiring thread the start of a thread: about a tenth of a millisecond, and up to half a millisecond on a busy
     * machine). Swaps that follow each other within it find the thread running.
     */
    public static final long KEEP_ALIVE_MILLIS = 60_000;

    private final ThreadPoolExecutor executor;
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicInteger queued = new AtomicInteger();
    /** Completes when the last model retired so far is closed (closes run in order, on one thread). */
    private CompletableFuture<Void> lastClose = CompletableFuture.completedFuture(null);

    private boolean stopped;

    /** A retirer whose thread is named {@code threadName} and ends after {@link #KEEP_ALIVE_MILLIS} idle. */
    public ModelRetirer(String threadName) {
        this(threadName, KEEP_ALIVE_MILLIS);
    }

    /** A retirer whose thread ends after {@code keepAliveMillis} idle (tests). */
    ModelRetirer(String threadName, long keepAliveMillis) {
        executor =
                new ThreadPoolExecutor(1, 1, keepAliveMillis, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread thread = new Thread(r, threadName);
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Closes {@code model} in the background ({@code what} names it in the log, e.g. "superseded model m@2 of data
     * type 't'"); after {@link #close} on the calling thread. Null is ignored. Never throws because of the model.
     */
    public void retire(Model model, String what) {
        if (model == null) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (!stopped) {
                queued.incrementAndGet();
                try {
                    executor.execute(() -> {
                        try {
                            closeNow(model, what);
                        } finally {
                            queued.decrementAndGet();
                            done.complete(null);
                        }
                    });
                    lastClose = done;
                    return;
                } catch (RejectedExecutionException e) {
                    queued.decrementAndGet();
                    LOG.warn("the model retirer refused {}; it is closed on the calling thread", what, e);
                }
            }
        }
        closeNow(model, what);
    }

    /**
     * A future that completes once every model retired before this call is closed (or its close failed): a load
     * that should see the resources of earlier models freed (unpacked bytes, native memory) waits for it.
     */
    public synchronized CompletableFuture<Void> idle() {
        return lastClose;
    }

    /** Models retired and not closed yet. */
    public int pending() {
        return queued.get();
    }

    /** Models this retirer closed (failed closes included). */
    public long closed() {
        return closed.get();
    }

    /** Closes that threw (each logged). */
    public long failures() {
        return failures.get();
    }

    /**
     * Stops taking models and waits at most {@code waitMillis} for the queued ones to be closed; logs the models still
     * closing after that (a hung native close keeps its daemon thread, nothing else). Later retirements close on the
     * calling thread. Idempotent.
     */
    public void close(long waitMillis) {
        synchronized (this) {
            stopped = true;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                LOG.warn(
                        "{} retired models were still closing {} ms after the retirer closed; their thread is left"
                                + " to finish",
                        queued.get(),
                        waitMillis);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while waiting for {} retired models to be closed", queued.get(), e);
        }
    }

    /** {@link #close(long)} with a wait of {@link #CLOSE_WAIT_MILLIS}. */
    @Override
    public void close() {
        close(CLOSE_WAIT_MILLIS);
    }

    private void closeNow(Model model, String what) {
        try {
            model.close();
        } catch (RuntimeException | LinkageError e) {
            failures.incrementAndGet();
            LOG.warn("closing the {} failed", what, e);
        } finally {
            closed.incrementAndGet();
        }
    }
}
