package dev.modelserving.flink.serving;

import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.serving.SlotSettings;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * What one serving operator instance owns besides its slots: the model loader (factories found in the job's user
 * class loader), the threads that load candidates off the scoring thread, and the metrics.
 */
public final class ServingRuntime implements AutoCloseable {

    private final ExecutorService loads;
    private final SlotSettings slotSettings;
    private final ServingMetrics metrics;

    public ServingRuntime(RuntimeContext context, ServingSettings settings, IntSupplier loadingModels) {
        String emitter = context.getTaskInfo().getTaskName() + "#" + context.getTaskInfo().getIndexOfThisSubtask();
        ModelLoader loader = new ModelLoader(ModelFactories.discover(context.getUserCodeClassLoader()),
                settings.loadPolicy());
        this.loads = Executors.newFixedThreadPool(settings.loaderThreads(), daemonThreads("model-loader-"
                + context.getTaskInfo().getIndexOfThisSubtask()));
        this.slotSettings = new SlotSettings(loader, loads, emitter, settings.maxHistory(), System::currentTimeMillis);
        this.metrics = new ServingMetrics(context.getMetricGroup(), loadingModels);
    }

    public SlotSettings slotSettings() {
        return slotSettings;
    }

    public ServingMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        loads.shutdownNow();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
