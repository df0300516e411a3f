package dev.modelserving.model.serving;

import java.io.Serializable;

/**
 * The resource bounds of one serving operator instance (subtask); each has a job flag, a default, a metric and a
 * clear outcome when it is hit. Serializable: it travels with the serving functions to the task managers.
 *
 * @param maxLiveModels models kept live at once ({@code --max-live-models}); beyond it the least recently used idle
 *     model is closed and rebuilt from its descriptor when next needed ({@link ModelCache})
 * @param maxDataTypes data types served ({@code --max-data-types}); in the speculative mode, executor keys (data type
 *     + model); a descriptor of a new one beyond it is REJECTED (RESOURCE_LIMIT), its records get NO_MODEL
 * @param maxExecutorQueue requests queued per speculative executor key ({@code --max-executor-queue}); a request
 *     beyond it is answered FAILED at once
 * @param maxUnpackedBytesPerSubtask bytes of unpacked archives alive at once
 *     ({@code --max-unpacked-bytes-per-subtask}); a load that would pass it is REJECTED (RESOURCE_LIMIT)
 * @param modelLoadTimeoutMillis deadline of loading + validating one model ({@code --model-load-timeout-ms}); a load
 *     past it is abandoned and REJECTED (TIMEOUT)
 * @param maxConcurrentLoads loads running at once ({@code --max-concurrent-loads}); an abandoned load stops counting
 * @param restoreWaitMillis how long a record may wait for its model to be rebuilt (after a restore or an eviction)
 *     before it is answered FAILED ({@code --restore-wait-ms})
 */
public record ServingBounds(
        int maxLiveModels,
        int maxDataTypes,
        int maxExecutorQueue,
        long maxUnpackedBytesPerSubtask,
        long modelLoadTimeoutMillis,
        int maxConcurrentLoads,
        long restoreWaitMillis)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_MAX_LIVE_MODELS = 32;
    public static final int DEFAULT_MAX_DATA_TYPES = 1024;
    public static final int DEFAULT_MAX_EXECUTOR_QUEUE = 1000;
    public static final long DEFAULT_MAX_UNPACKED_BYTES_PER_SUBTASK = 4L * 1024 * 1024 * 1024;
    public static final long DEFAULT_MODEL_LOAD_TIMEOUT_MILLIS = 120_000;
    public static final int DEFAULT_MAX_CONCURRENT_LOADS = 2;
    public static final long DEFAULT_RESTORE_WAIT_MILLIS = 30_000;

    public ServingBounds {
        if (maxLiveModels < 1
                || maxDataTypes < 1
                || maxExecutorQueue < 1
                || maxUnpackedBytesPerSubtask < 1
                || modelLoadTimeoutMillis < 1
                || maxConcurrentLoads < 1
                || restoreWaitMillis < 0) {
            throw new IllegalArgumentException("serving bounds must be positive (restore wait: >= 0): " + this);
        }
    }

    public static ServingBounds defaults() {
        return new ServingBounds(
                DEFAULT_MAX_LIVE_MODELS,
                DEFAULT_MAX_DATA_TYPES,
                DEFAULT_MAX_EXECUTOR_QUEUE,
                DEFAULT_MAX_UNPACKED_BYTES_PER_SUBTASK,
                DEFAULT_MODEL_LOAD_TIMEOUT_MILLIS,
                DEFAULT_MAX_CONCURRENT_LOADS,
                DEFAULT_RESTORE_WAIT_MILLIS);
    }

    public ServingBounds withMaxLiveModels(int value) {
        return new ServingBounds(
                value,
                maxDataTypes,
                maxExecutorQueue,
                maxUnpackedBytesPerSubtask,
                modelLoadTimeoutMillis,
                maxConcurrentLoads,
                restoreWaitMillis);
    }

    public ServingBounds withMaxDataTypes(int value) {
        return new ServingBounds(
                maxLiveModels,
                value,
                maxExecutorQueue,
                maxUnpackedBytesPerSubtask,
                modelLoadTimeoutMillis,
                maxConcurrentLoads,
                restoreWaitMillis);
    }

    public ServingBounds withMaxExecutorQueue(int value) {
        return new ServingBounds(
                maxLiveModels,
                maxDataTypes,
                value,
                maxUnpackedBytesPerSubtask,
                modelLoadTimeoutMillis,
                maxConcurrentLoads,
                restoreWaitMillis);
    }

    public ServingBounds withMaxUnpackedBytesPerSubtask(long value) {
        return new ServingBounds(
                maxLiveModels,
                maxDataTypes,
                maxExecutorQueue,
                value,
                modelLoadTimeoutMillis,
                maxConcurrentLoads,
                restoreWaitMillis);
    }

    public ServingBounds withModelLoadTimeoutMillis(long value) {
        return new ServingBounds(
                maxLiveModels,
                maxDataTypes,
                maxExecutorQueue,
                maxUnpackedBytesPerSubtask,
                value,
                maxConcurrentLoads,
                restoreWaitMillis);
    }

    public ServingBounds withMaxConcurrentLoads(int value) {
        return new ServingBounds(
                maxLiveModels,
                maxDataTypes,
                maxExecutorQueue,
                maxUnpackedBytesPerSubtask,
                modelLoadTimeoutMillis,
                value,
                restoreWaitMillis);
    }

    public ServingBounds withRestoreWaitMillis(long value) {
        return new ServingBounds(
                maxLiveModels,
                maxDataTypes,
                maxExecutorQueue,
                maxUnpackedBytesPerSubtask,
                modelLoadTimeoutMillis,
                maxConcurrentLoads,
                value);
    }
}
