package dev.modelserving.job.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The Kafka topics the job reads and writes, and the encoding of the data topic. */
public final class TopicOptions {

    /** Topic of the data records. */
    public static final ConfigOption<String> DATA_TOPIC = ConfigOptions.key(JobOptions.PREFIX + "data-topic")
            .stringType()
            .defaultValue("records")
            .withDescription("Topic of the data records.");

    /** Encoding of the values on the data topic (a {@code RecordFormat} flag value). */
    public static final ConfigOption<String> DATA_FORMAT = ConfigOptions.key(JobOptions.PREFIX + "data-format")
            .stringType()
            .defaultValue("data-record")
            .withDescription("Encoding of the values on the data topic: DataRecord, SensorReading (converted to a"
                    + " DataRecord of data type 'sensor'), or JSON or CSV records mapped by --record-mapping. Kept in the parser's state: a job restored with another"
                    + " format fails once, naming both.");

    /** Topic of the model descriptors. */
    public static final ConfigOption<String> MODEL_TOPIC = ConfigOptions.key(JobOptions.PREFIX + "model-topic")
            .stringType()
            .defaultValue("models")
            .withDescription("Topic of the model descriptors.");

    /** Topic of the serving results. */
    public static final ConfigOption<String> RESULTS_TOPIC = ConfigOptions.key(JobOptions.PREFIX + "results-topic")
            .stringType()
            .defaultValue("results")
            .withDescription("Topic the serving results go to.");

    /** Topic of the dead letters. */
    public static final ConfigOption<String> DEAD_LETTER_TOPIC = ConfigOptions.key(
                    JobOptions.PREFIX + "dead-letter-topic")
            .stringType()
            .defaultValue("dead-letters")
            .withDescription("Topic the dead letters (unusable input, with a reason) go to.");

    /** Topic of the model events. */
    public static final ConfigOption<String> EVENTS_TOPIC = ConfigOptions.key(JobOptions.PREFIX + "events-topic")
            .stringType()
            .defaultValue("model-events")
            .withDescription("Topic the model events (ACTIVATED, REJECTED, ...) go to.");

    /** Speculative mode: topic of the speculative configurations. */
    public static final ConfigOption<String> CONFIG_TOPIC = ConfigOptions.key(JobOptions.PREFIX + "config-topic")
            .stringType()
            .defaultValue("speculative-config")
            .withDescription("Speculative mode: topic of the SpeculativeConfigs, keyed by data type.");

    /** Topic of the ModelStats stream. */
    public static final ConfigOption<String> STATS_TOPIC = ConfigOptions.key(JobOptions.PREFIX + "stats-topic")
            .stringType()
            .defaultValue("model-stats")
            .withDescription("Topic of the ModelStats stream (see \"Serving statistics\").");

    private TopicOptions() {}
}
