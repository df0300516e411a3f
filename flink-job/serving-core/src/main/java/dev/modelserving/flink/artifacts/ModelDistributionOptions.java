package dev.modelserving.flink.artifacts;

import dev.modelserving.model.warmup.WarmUpSettings;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/** The job options of referenced artifacts (local cache) and of warm swaps. */
public final class ModelDistributionOptions {

    /** Default of {@link #MODEL_CACHE_MAX_BYTES}: 10 GiB. */
    public static final long DEFAULT_MODEL_CACHE_MAX_BYTES = 10L * 1024 * 1024 * 1024;
    /** Name of the cache directory under {@code java.io.tmpdir} when {@link #MODEL_CACHE_DIR} is not set. */
    public static final String DEFAULT_MODEL_CACHE_DIR_NAME = "model-serving-artifacts";

    public static final ConfigOption<String> MODEL_CACHE_DIR = ConfigOptions.key("model-serving.model-cache-dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Local directory of each TaskManager where artifacts referenced by a remote location"
                    + " (s3://, hdfs://, gs://, ... through Flink's file systems) are downloaded once and kept under"
                    + " their SHA-256. Default: '" + DEFAULT_MODEL_CACHE_DIR_NAME + "' under the TaskManager's"
                    + " java.io.tmpdir.");

    public static final ConfigOption<MemorySize> MODEL_CACHE_MAX_BYTES = ConfigOptions.key(
                    "model-serving.model-cache-max-bytes")
            .memoryType()
            .defaultValue(new MemorySize(DEFAULT_MODEL_CACHE_MAX_BYTES))
            .withDescription("Bound of the local artifact cache of each TaskManager; beyond it the least recently"
                    + " used artifacts not being read are deleted (they are downloaded again when needed).");

    public static final ConfigOption<Long> WARM_UP_MAX_MS = ConfigOptions.key("model-serving.warm-up-max-ms")
            .longType()
            .defaultValue(WarmUpSettings.DEFAULT_MAX_MILLIS)
            .withDescription("Most milliseconds a validated candidate is warmed up on its loading thread (its"
                    + " validation samples and zero inputs of its input contract scored in rounds, at least "
                    + WarmUpSettings.DEFAULT_MIN_CALLS + " calls, until " + WarmUpSettings.DEFAULT_WINDOW
                    + " rounds lie within " + (int) (WarmUpSettings.DEFAULT_TOLERANCE * 100) + " % of their"
                    + " median, at most " + WarmUpSettings.DEFAULT_MAX_CALLS + " calls) before it becomes"
                    + " current. 0: no warm-up.");

    private ModelDistributionOptions() {}

    /** The cache directory a setting names (empty: the default under {@code java.io.tmpdir}). */
    public static java.nio.file.Path cacheDirectory(String setting) {
        return setting == null || setting.isBlank()
                ? java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), DEFAULT_MODEL_CACHE_DIR_NAME)
                : java.nio.file.Path.of(setting);
    }
}
