package dev.modelserving.flink.serving;

import dev.modelserving.flink.artifacts.FlinkArtifactSource;
import dev.modelserving.flink.artifacts.ModelDistributionOptions;
import dev.modelserving.flink.artifacts.TaskManagerModels;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.archive.UnpackedBytesBudget;
import dev.modelserving.model.serving.ModelCache;
import dev.modelserving.model.serving.ModelLoads;
import dev.modelserving.model.serving.ServingBounds;
import dev.modelserving.model.serving.SlotSettings;
import java.util.function.IntSupplier;
import org.apache.flink.api.common.functions.RuntimeContext;

/**
 * What one serving operator instance owns besides its slots: the model loader (factories found in the job's user
 * class loader) with the subtask's budget of unpacked bytes, the loads (at most
 * {@link ServingBounds#maxConcurrentLoads} at once, each with the load deadline, on their own threads so a hung one
 * blocks nothing), the cache bounding the live models, and the metrics. Remote artifact locations are fetched through
 * Flink's file systems into the TaskManager's artifact cache, and live instances are shared by every subtask of the
 * job on the TaskManager ({@link TaskManagerModels}).
 */
public final class ServingRuntime implements AutoCloseable {

    private final ServingBounds bounds;
    private final ModelLoads loads;
    private final SlotSettings slotSettings;
    private final ServingMetrics metrics;
    private final DriftMetrics driftMetrics;

    /**
     * @param loadingModels candidates loading now (a gauge)
     * @param dataTypes slots (data types, or executor keys) of this instance now (a gauge)
     */
    public ServingRuntime(
            RuntimeContext context, ServingSettings settings, IntSupplier loadingModels, IntSupplier dataTypes) {
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        String emitter = context.getTaskInfo().getTaskName() + "#" + subtask;
        this.bounds = settings.bounds();
        UnpackedBytesBudget unpacked = new UnpackedBytesBudget(bounds.maxUnpackedBytesPerSubtask());
        ModelLoader loader = new ModelLoader(
                ModelFactories.discover(context.getUserCodeClassLoader()),
                settings.loadPolicy(),
                unpacked,
                new FlinkArtifactSource(TaskManagerModels.cache(
                        ModelDistributionOptions.cacheDirectory(settings.modelCacheDir()),
                        settings.modelCacheMaxBytes())),
                TaskManagerModels.shared());
        this.loads = ModelLoads.threads(
                "model-loader-" + subtask, bounds.maxConcurrentLoads(), bounds.modelLoadTimeoutMillis());
        ModelCache cache = new ModelCache(bounds.maxLiveModels());
        this.metrics = new ServingMetrics(
                context.getMetricGroup(),
                loadingModels,
                dataTypes,
                cache,
                loads,
                unpacked,
                bounds.maxDataTypes(),
                System::currentTimeMillis);
        this.slotSettings = new SlotSettings(
                        loader,
                        loads,
                        emitter,
                        settings.maxHistory(),
                        System::currentTimeMillis,
                        cache,
                        bounds.restoreWaitMillis(),
                        metrics::recordRestoreWait)
                .withDrift(settings.drift());
        this.driftMetrics = new DriftMetrics(context.getMetricGroup());
    }

    public SlotSettings slotSettings() {
        return slotSettings;
    }

    public ServingMetrics metrics() {
        return metrics;
    }

    /** The per-version drift metrics (operator thread). */
    public DriftMetrics driftMetrics() {
        return driftMetrics;
    }

    public ServingBounds bounds() {
        return bounds;
    }

    /**
     * Whether a new data type may get a slot when {@code slots} exist; counts a refusal in the metrics. Existing
     * data types (in state) are never refused.
     */
    public boolean admitsNewDataType(int slots) {
        if (slots < bounds.maxDataTypes()) {
            return true;
        }
        metrics.dataTypeRefused();
        return false;
    }

    /** The reason of the REJECTED event of a descriptor refused by {@link #admitsNewDataType}. */
    public String dataTypeRefusal(String dataType, String what) {
        return "RESOURCE_LIMIT: data type '" + dataType + "' not served: this subtask already serves "
                + bounds.maxDataTypes() + " " + what + " (--max-data-types)";
    }

    @Override
    public void close() {
        metrics.close();
        loads.close();
    }
}
