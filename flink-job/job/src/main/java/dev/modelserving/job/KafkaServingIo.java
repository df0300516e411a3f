package dev.modelserving.job;

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
        return env.fromSource(
                        kafka.source(config.dataTopic(), config.groupId()),
                        WatermarkStrategy.noWatermarks(),
                        "Kafka records: " + config.dataTopic())
                .uid("source-records");
    }

    @Override
    public DataStream<RawRecord> models(StreamExecutionEnvironment env) {
        return env.fromSource(
                        kafka.source(config.modelTopic(), config.groupId()),
                        WatermarkStrategy.noWatermarks(),
                        "Kafka models: " + config.modelTopic())
                .uid("source-models");
    }

    @Override
    public DataStream<RawRecord> configs(StreamExecutionEnvironment env) {
        return env.fromSource(
                        kafka.source(config.configTopic(), config.groupId()),
                        WatermarkStrategy.noWatermarks(),
                        "Kafka speculative configs: " + config.configTopic())
                .uid("source-speculative-configs");
    }

    @Override
    public void results(DataStream<ServingResult> results) {
        results.sinkTo(kafka.sink(
                        config.resultsTopic(),
                        ServingResult::getKey,
                        delivery(),
                        prefix("results"),
                        config.resultsFormat()))
                .uid("sink-results")
                .name("Kafka results: " + config.resultsTopic());
    }

    @Override
    public void deadLetters(DataStream<DeadLetter> deadLetters) {
        deadLetters
                .sinkTo(kafka.sink(
                        config.deadLetterTopic(), DeadLetter::getSourceTopic, delivery(), prefix("dead-letters")))
                .uid("sink-dead-letters")
                .name("Kafka dead letters: " + config.deadLetterTopic());
    }

    @Override
    public void events(DataStream<ModelEvent> events) {
        events.sinkTo(kafka.sink(config.eventsTopic(), ModelEvent::getDataType, delivery(), prefix("events")))
                .uid("sink-model-events")
                .name("Kafka model events: " + config.eventsTopic());
    }

    /** Serving statistics, keyed by data type. */
    @Override
    public void stats(DataStream<ModelStats> stats) {
        stats.sinkTo(kafka.sink(config.statsTopic(), ModelStats::getDataType, delivery(), prefix("stats")))
                .uid("sink-model-stats")
                .name("Kafka model stats: " + config.statsTopic());
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
        alerts.sinkTo(kafka.sink(config.alertsTopic(), SystemAlert::getMachineId, delivery(), prefix("alerts")))
                .uid("sink-system-alerts")
                .name("Kafka system alerts: " + config.alertsTopic());
    }

    /** The sensor system's predicted temperatures, keyed by machine id. */
    @Override
    public void predictions(DataStream<PredictedTemperature> predictions) {
        predictions
                .sinkTo(kafka.sink(
                        config.predictionsTopic(),
                        PredictedTemperature::getMachineId,
                        delivery(),
                        prefix("predictions")))
                .uid("sink-predicted-temperatures")
                .name("Kafka predicted temperatures: " + config.predictionsTopic());
    }

    private DeliveryGuarantee delivery() {
        return config.delivery();
    }

    /** Transactional ids must be unique per sink and per job sharing a broker. */
    private String prefix(String sink) {
        return config.groupId() + "-" + sink;
    }
}
