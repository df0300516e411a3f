package dev.modelserving.job.config;

import dev.modelserving.model.serving.ServingBounds;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/** The resource bounds of each serving operator instance (subtask); see README "Job flags" for what a hit does. */
public final class ResourceOptions {

    /** Models kept open at once, across data types. */
    public static final ConfigOption<Integer> MAX_LIVE_MODELS = ConfigOptions.key(JobOptions.PREFIX + "max-live-models")
            .intType()
            .defaultValue(ServingBounds.DEFAULT_MAX_LIVE_MODELS)
            .withDescription("Models kept open at once per subtask; beyond it the least recently used idle model"
                    + " is closed and rebuilt when next needed.");

    /** Data types with a slot. */
    public static final ConfigOption<Integer> MAX_DATA_TYPES = ConfigOptions.key(JobOptions.PREFIX + "max-data-types")
            .intType()
            .defaultValue(ServingBounds.DEFAULT_MAX_DATA_TYPES)
            .withDescription("Data types with a slot per subtask (speculative: executor keys); a descriptor of a"
                    + " new one beyond it is REJECTED (RESOURCE_LIMIT).");

    /** Speculative mode: requests queued per executor key. */
    public static final ConfigOption<Integer> MAX_EXECUTOR_QUEUE = ConfigOptions.key(
                    JobOptions.PREFIX + "max-executor-queue")
            .intType()
            .defaultValue(ServingBounds.DEFAULT_MAX_EXECUTOR_QUEUE)
            .withDescription("Speculative mode: requests queued per executor key; one beyond it is answered FAILED"
                    + " at once.");

    /** Bytes of unpacked archives alive at once per subtask. */
    public static final ConfigOption<MemorySize> MAX_UNPACKED_BYTES_PER_SUBTASK = ConfigOptions.key(
                    JobOptions.PREFIX + "max-unpacked-bytes-per-subtask")
            .memoryType()
            .defaultValue(new MemorySize(ServingBounds.DEFAULT_MAX_UNPACKED_BYTES_PER_SUBTASK))
            .withDescription("Bytes of unpacked archives (SavedModels) alive at once per subtask, shared by every"
                    + " model; at least --max-unpacked-bytes.");

    /** Deadline of loading and validating one model. */
    public static final ConfigOption<Duration> MODEL_LOAD_TIMEOUT_MS = ConfigOptions.key(
                    JobOptions.PREFIX + "model-load-timeout-ms")
            .durationType()
            .defaultValue(Duration.ofMillis(ServingBounds.DEFAULT_MODEL_LOAD_TIMEOUT_MILLIS))
            .withDescription("Deadline of loading and validating one model; a load past it is abandoned and its"
                    + " descriptor REJECTED (TIMEOUT).");

    /** Model loads running at once per subtask. */
    public static final ConfigOption<Integer> MAX_CONCURRENT_LOADS = ConfigOptions.key(
                    JobOptions.PREFIX + "max-concurrent-loads")
            .intType()
            .defaultValue(ServingBounds.DEFAULT_MAX_CONCURRENT_LOADS)
            .withDescription("Model loads running at once per subtask.");

    /** How long a record waits for a model being rebuilt after a restore. */
    public static final ConfigOption<Duration> RESTORE_WAIT_MS = ConfigOptions.key(
                    JobOptions.PREFIX + "restore-wait-ms")
            .durationType()
            .defaultValue(Duration.ofMillis(ServingBounds.DEFAULT_RESTORE_WAIT_MILLIS))
            .withDescription("How long a record waits for its model being rebuilt after a restore or an eviction"
                    + " (0 or more) before it is answered FAILED.");

    private ResourceOptions() {}
}
