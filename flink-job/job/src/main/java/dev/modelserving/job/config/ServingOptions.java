package dev.modelserving.job.config;

import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.model.drift.DriftSettings;
import dev.modelserving.speculative.RequestRouter;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** How the job serves: the mode, parallelism and checkpoints, the speculative defaults, statistics and drift. */
public final class ServingOptions {

    /** How models and records meet. */
    public static final ConfigOption<ServingJobConfig.Mode> MODE = ConfigOptions.key(JobOptions.PREFIX + "mode")
            .enumType(ServingJobConfig.Mode.class)
            .defaultValue(ServingJobConfig.Mode.KEYED)
            .withDescription("keyed: records and models keyed by data type; partitioned: every model on every"
                    + " subtask, records spread over all; speculative: several models per data type (router,"
                    + " executors, collector with deadline and strategy).");

    /** The job's parallelism; absent: the environment's. */
    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key(JobOptions.PREFIX + "parallelism")
            .intType()
            .noDefaultValue()
            .withDescription("The job's parallelism, 1 to 32768. Default: the environment's (flink run -p).");

    /** Checkpoint interval; 0: checkpointing off. */
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL_MS = ConfigOptions.key(
                    JobOptions.PREFIX + "checkpoint-interval-ms")
            .durationType()
            .defaultValue(Duration.ofMillis(ServingJobConfig.DEFAULT_CHECKPOINT_INTERVAL_MS))
            .withDescription("Checkpoint interval (0: off, else at least 10 ms).");

    /** Where checkpoints go; absent: Flink's configuration decides. */
    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOptions.key(JobOptions.PREFIX + "checkpoint-dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Where checkpoints go: a URI (file:///..., s3://...) or a path. Default: Flink's"
                    + " configuration decides.");

    /** Speculative mode: deadline of data types without a configuration. */
    public static final ConfigOption<Duration> DEFAULT_DEADLINE_MS = ConfigOptions.key(
                    JobOptions.PREFIX + "default-deadline-ms")
            .durationType()
            .defaultValue(Duration.ofMillis(ServingJobConfig.DEFAULT_SPECULATIVE_DEADLINE_MS))
            .withDescription("Speculative mode: deadline of data types without a configuration (or with"
                    + " deadline_millis 0); at most --max-deadline-ms.");

    /** Speculative mode: most models routed to per data type. */
    public static final ConfigOption<Integer> MAX_MODELS_PER_DATA_TYPE = ConfigOptions.key(
                    JobOptions.PREFIX + "max-models-per-data-type")
            .intType()
            .defaultValue(RequestRouter.DEFAULT_MAX_MODELS_PER_DATA_TYPE)
            .withDescription("Speculative mode: most models routed to per data type.");

    /** How often each serving instance emits its ModelStats; 0: no stats stream. */
    public static final ConfigOption<Duration> STATS_INTERVAL_MS = ConfigOptions.key(
                    JobOptions.PREFIX + "stats-interval-ms")
            .durationType()
            .defaultValue(Duration.ofMillis(ServingJobConfig.DEFAULT_STATS_INTERVAL_MS))
            .withDescription("How often each serving instance emits a ModelStats per model version (0: no stats"
                    + " stream, else at least 100 ms); see \"Serving statistics\".");

    /** PSI above which drift is reported (a descriptor's own threshold overrides it). */
    public static final ConfigOption<Double> DRIFT_THRESHOLD = ConfigOptions.key(JobOptions.PREFIX + "drift-threshold")
            .doubleType()
            .defaultValue(DriftSettings.DEFAULT_THRESHOLD)
            .withDescription("Population stability index above which drift is reported, for models whose"
                    + " descriptors carry training statistics (a descriptor's own threshold overrides it); see"
                    + " \"Drift\".");

    /** Records per drift window. */
    public static final ConfigOption<Integer> DRIFT_WINDOW_RECORDS = ConfigOptions.key(
                    JobOptions.PREFIX + "drift-window-records")
            .intType()
            .defaultValue(DriftSettings.DEFAULT_WINDOW_RECORDS)
            .withDescription("Records per drift window.");

    private ServingOptions() {}
}
