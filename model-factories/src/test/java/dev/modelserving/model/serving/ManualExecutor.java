package dev.modelserving.model.serving;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** An executor that runs nothing until told: makes "a candidate is still loading" observable in tests. */
public final class ManualExecutor implements Executor {

    private final Queue<Runnable> queued = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
        queued.add(task);
    }

    /** Runs every queued task on the calling thread; returns how many ran. */
    public int runAll() {
        int ran = 0;
        Runnable task;
        while ((task = next()) != null) {
            task.run();
            ran++;
        }
        return ran;
    }

    public synchronized int queued() {
        return queued.size();
    }

    private synchronized Runnable next() {
        return queued.poll();
    }
}
