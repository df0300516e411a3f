package dev.modelserving.job;

import com.google.protobuf.Message;
import dev.modelserving.flink.parse.RawRecord;
import dev.modelserving.job.io.KafkaIo;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelStats;
import dev.modelserving.proto.PredictedTemperature;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.SystemAlert;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The serving job's Kafka topics: records and descriptors (and, in the speculative mode, configurations) in; results (keyed by record key), dead letters (keyed by
 * source topic), model events and serving statistics (keyed by data type) out, with the configured delivery guarantee.
 */
public final class KafkaServingIo implements ServingIo {

    private final ServingJobConfig config;
    private final KafkaIo kafka;

    public KafkaServingIo(ServingJobConfig config) {
        this.config = config;
        this.kafka = KafkaIo.forBrokers(config.requireBootstrapServers())
                .withClientProperties(config.kafkaClientProperties())
                .withMaxRequestBytes(config.maxRequestBytes());
    }

    @Override
    public DataStream<RawRecord> records(StreamExecutionEnvironment env) {
        return source(env, JobTopic.RECORDS);
    }

    @Override
    public DataStream<RawRecord> models(StreamExecutionEnvironment env) {
        return source(env, JobTopic.MODELS);
    }

    @Override
    public DataStream<RawRecord> configs(StreamExecutionEnvironment env) {
        return source(env, JobTopic.SPECULATIVE_CONFIGS);
    }

    @Override
    public void results(DataStream<ServingResult> results) {
        results.sinkTo(kafka.sink(
                        JobTopic.RESULTS.topicName(config),
                        ServingResult::getKey,
                        delivery(),
                        prefix("results"),
                        config.resultsFormat()))
                .uid(JobTopic.RESULTS.uid())
                .name(JobTopic.RESULTS.operatorName(config));
    }

    @Override
    public void deadLetters(DataStream<DeadLetter> deadLetters) {
        sink(deadLetters, JobTopic.DEAD_LETTERS, DeadLetter::getSourceTopic, "dead-letters");
    }

    @Override
    public void events(DataStream<ModelEvent> events) {
        sink(events, JobTopic.MODEL_EVENTS, ModelEvent::getDataType, "events");
    }

    /** Serving statistics, keyed by data type. */
    @Override
    public void stats(DataStream<ModelStats> stats) {
        sink(stats, JobTopic.MODEL_STATS, ModelStats::getDataType, "stats");
    }

    /** The source of a topic the job reads, as {@link JobTopic} declares it (name, operator name, uid). */
    private DataStream<RawRecord> source(StreamExecutionEnvironment env, JobTopic topic) {
        String name = topic.topicName(config);
        return env.fromSource(
                        kafka.source(name, config.groupId()),
                        WatermarkStrategy.noWatermarks(),
                        topic.operatorName(config))
                .uid(topic.uid());
    }

    /**
     * Attaches the sink of a topic the job writes, as {@link JobTopic} declares it; {@code transactionalPrefix} names
     * the sink in its transactional ids.
     */
    private <T extends Message> void sink(
            DataStream<T> stream, JobTopic topic, SerializableFunction<T, String> keyOf, String transactionalPrefix) {
        stream.sinkTo(kafka.sink(topic.topicName(config), keyOf, delivery(), prefix(transactionalPrefix)))
                .uid(topic.uid())
                .name(topic.operatorName(config));
    }

    /** The machine_properties context, always from the earliest offset (a compacted topic: the latest per machine). */
    @Override
    public DataStream<RawRecord> machineProperties(StreamExecutionEnvironment env) {
        return env.fromSource(
                        kafka.sourceBuilder(config.machinePropertiesTopic(), config.groupId())
                                .setStartingOffsets(OffsetsInitializer.earliest())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "Kafka machine properties: " + config.machinePropertiesTopic())
                .uid("source-machine-properties");
    }

    /** The rpm_monitoring_config context, always from the earliest offset (a compacted topic). */
    @Override
    public DataStream<RawRecord> rpmMonitoringConfig(StreamExecutionEnvironment env) {
        return env.fromSource(
                        kafka.sourceBuilder(config.rpmConfigTopic(), config.groupId())
                                .setStartingOffsets(OffsetsInitializer.earliest())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "Kafka rpm monitoring config: " + config.rpmConfigTopic())
                .uid("source-rpm-monitoring-config");
    }

    /** The sensor system's alerts, keyed by machine id. */
    @Override
    public void alerts(DataStream<SystemAlert> alerts) {
        sink(alerts, JobTopic.SYSTEM_ALERTS, SystemAlert::getMachineId, "alerts");
    }

    /** The sensor system's predicted temperatures, keyed by machine id. */
    @Override
    public void predictions(DataStream<PredictedTemperature> predictions) {
        sink(predictions, JobTopic.PREDICTED_TEMPERATURES, PredictedTemperature::getMachineId, "predictions");
    }

    private DeliveryGuarantee delivery() {
        return config.delivery();
    }

    /** Transactional ids must be unique per sink and per job sharing a broker. */
    private String prefix(String sink) {
        return config.groupId() + "-" + sink;
    }
}
