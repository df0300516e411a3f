package dev.modelserving.job;

import com.google.protobuf.Message;
import dev.modelserving.flink.parse.RecordFormat;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.MachineProperties;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelStats;
import dev.modelserving.proto.PredictedTemperature;
import dev.modelserving.proto.RpmMonitoringConfig;
import dev.modelserving.proto.SensorReading;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.SpeculativeConfig;
import dev.modelserving.proto.SystemAlert;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The one declaration of the job's Kafka topics: for each, what it is in the system (a {@link TopicKind stream or a
 * context}, and the role it plays), where its name comes from in the configuration, the protobuf message it holds,
 * whether the job reads or writes it, the {@code uid} of the source or sink operator attached to it, and when the job
 * uses it. {@link KafkaServingIo} builds every source and sink from here, and the system's picture
 * ({@code ServingJob --describe}) maps the job's sources and sinks back to topics through the same uids, so a topic
 * cannot be read or written without appearing in the picture (a test fails for a source or sink not declared here).
 */
public enum JobTopic {
    /** Data records or sensor readings to score. */
    RECORDS(
            TopicKind.STREAM,
            "records",
            "records",
            Direction.IN,
            "source-records",
            ServingJobConfig::dataTopic,
            config -> config.dataFormat() == RecordFormat.SENSOR_READING ? SensorReading.class : DataRecord.class,
            config -> true),
    /** Model descriptors: the models themselves, published as data. */
    MODELS(
            TopicKind.CONTEXT,
            "model artifacts",
            "models",
            Direction.IN,
            "source-models",
            ServingJobConfig::modelTopic,
            config -> ModelDescriptor.class,
            config -> true),
    /** Which models serve a data type together, and how one answer is chosen (speculative mode only). */
    SPECULATIVE_CONFIGS(
            TopicKind.CONTEXT,
            "model configuration",
            "speculative configs",
            Direction.IN,
            "source-speculative-configs",
            ServingJobConfig::configTopic,
            config -> SpeculativeConfig.class,
            config -> config.mode() == ServingJobConfig.Mode.SPECULATIVE),
    /** One result per record, naming the model version that produced it. */
    RESULTS(
            TopicKind.STREAM,
            "results",
            "results",
            Direction.OUT,
            "sink-results",
            ServingJobConfig::resultsTopic,
            config -> ServingResult.class,
            config -> true),
    /** Input the job could not use, with its origin and the reason. */
    DEAD_LETTERS(
            TopicKind.STREAM,
            "dead letters",
            "dead letters",
            Direction.OUT,
            "sink-dead-letters",
            ServingJobConfig::deadLetterTopic,
            config -> DeadLetter.class,
            config -> true),
    /** Model activations, rejections, swaps, rollbacks, removals and drift. */
    MODEL_EVENTS(
            TopicKind.STREAM,
            "model events",
            "model events",
            Direction.OUT,
            "sink-model-events",
            ServingJobConfig::eventsTopic,
            config -> ModelEvent.class,
            config -> true),
    /** Serving statistics per model version and serving instance (unless {@code --stats-interval-ms 0}). */
    MODEL_STATS(
            TopicKind.STREAM,
            "model stats",
            "model stats",
            Direction.OUT,
            "sink-model-stats",
            ServingJobConfig::statsTopic,
            config -> ModelStats.class,
            config -> config.statsIntervalMs() > 0),
    /** Context {@code machine_properties}: each machine's name, fan curve and alert temperature (sensor system). */
    MACHINE_PROPERTIES(
            TopicKind.CONTEXT,
            "machine properties",
            "machine properties",
            Direction.IN,
            "source-machine-properties",
            ServingJobConfig::machinePropertiesTopic,
            config -> MachineProperties.class,
            ServingJobConfig::sensorSystem),
    /** Context {@code rpm_monitoring_config}: how fan speeds are monitored (sensor system). */
    RPM_MONITORING_CONFIG(
            TopicKind.CONTEXT,
            "rpm monitoring config",
            "rpm monitoring config",
            Direction.IN,
            "source-rpm-monitoring-config",
            ServingJobConfig::rpmConfigTopic,
            config -> RpmMonitoringConfig.class,
            ServingJobConfig::sensorSystem),
    /** Stream {@code system_alerts}: rpm deviations and over-temperature predictions (sensor system). */
    SYSTEM_ALERTS(
            TopicKind.STREAM,
            "system alerts",
            "system alerts",
            Direction.OUT,
            "sink-system-alerts",
            ServingJobConfig::alertsTopic,
            config -> SystemAlert.class,
            ServingJobConfig::sensorSystem),
    /** Stream {@code predicted_temperatures}: each machine's predicted temperature and alert probability. */
    PREDICTED_TEMPERATURES(
            TopicKind.STREAM,
            "predicted temperatures",
            "predicted temperatures",
            Direction.OUT,
            "sink-predicted-temperatures",
            ServingJobConfig::predictionsTopic,
            config -> PredictedTemperature.class,
            ServingJobConfig::sensorSystem);

    /** Whether the job reads a topic (a source) or writes it (a sink). */
    public enum Direction {
        IN,
        OUT
    }

    private final TopicKind kind;
    private final String role;
    private final String label;
    private final Direction direction;
    private final String uid;
    private final Function<ServingJobConfig, String> name;
    private final Function<ServingJobConfig, Class<? extends Message>> message;
    private final Predicate<ServingJobConfig> used;

    JobTopic(
            TopicKind kind,
            String role,
            String label,
            Direction direction,
            String uid,
            Function<ServingJobConfig, String> name,
            Function<ServingJobConfig, Class<? extends Message>> message,
            Predicate<ServingJobConfig> used) {
        this.kind = kind;
        this.role = role;
        this.label = label;
        this.direction = direction;
        this.uid = uid;
        this.name = name;
        this.message = message;
        this.used = used;
    }

    /** Stream or context. */
    public TopicKind kind() {
        return kind;
    }

    /** What the topic is in the system, in words ("records", "model artifacts", ...). */
    public String role() {
        return role;
    }

    public Direction direction() {
        return direction;
    }

    /** The uid of the source ({@link Direction#IN}) or sink ({@link Direction#OUT}) operator of this topic. */
    public String uid() {
        return uid;
    }

    /** The topic's name under this configuration. */
    public String topicName(ServingJobConfig config) {
        return name.apply(config);
    }

    /** The protobuf message one Kafka record of the topic holds under this configuration. */
    public Class<? extends Message> messageType(ServingJobConfig config) {
        return message.apply(config);
    }

    /** The message's protobuf name, e.g. {@code ServingResult}. */
    public String messageName(ServingJobConfig config) {
        return messageType(config).getSimpleName();
    }

    /** Whether the job reads or writes this topic under this configuration. */
    public boolean usedBy(ServingJobConfig config) {
        return used.test(config);
    }

    /** The name of the source or sink operator: {@code Kafka <label>: <topic>}, e.g. {@code Kafka models: models}. */
    public String operatorName(ServingJobConfig config) {
        return "Kafka " + label + ": " + topicName(config);
    }

    /** The topics the job reads or writes under this configuration, in declaration order. */
    public static List<JobTopic> usedBy(ServingJobConfig config, Direction direction) {
        return Arrays.stream(values())
                .filter(t -> t.direction == direction && t.usedBy(config))
                .toList();
    }

    /** The topics the job reads or writes under this configuration, in declaration order. */
    public static List<JobTopic> all(ServingJobConfig config) {
        return Arrays.stream(values()).filter(t -> t.usedBy(config)).toList();
    }

    /** The topic whose source or sink operator has this uid. */
    public static Optional<JobTopic> byUid(String uid) {
        return Arrays.stream(values()).filter(t -> t.uid.equals(uid)).findFirst();
    }
}
