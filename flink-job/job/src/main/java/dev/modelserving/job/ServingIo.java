package dev.modelserving.job;

import dev.modelserving.flink.parse.RawRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelStats;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.SystemAlert;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Where the serving job reads and writes: Kafka in production ({@link KafkaServingIo}), anything else in tests. The
 * job never builds its own sources or sinks, so tests can swap them (the flink-training pattern).
 */
public interface ServingIo {

    /** Raw data records (DataRecord or SensorReading bytes, parsed by the job). */
    DataStream<RawRecord> records(StreamExecutionEnvironment env);

    /** Raw model descriptors. */
    DataStream<RawRecord> models(StreamExecutionEnvironment env);

    /**
     * Raw speculative configurations ({@code SpeculativeConfig} bytes), read by {@code --mode speculative} only.
     * Default: none provided (an implementation for the speculative mode overrides it).
     */
    default DataStream<RawRecord> configs(StreamExecutionEnvironment env) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " provides no speculative configurations; --mode speculative needs configs(env)");
    }

    /** Attaches the sink of results. */
    void results(DataStream<ServingResult> results);

    /** Attaches the sink of dead letters (input that could not be used, with its origin and the reason). */
    void deadLetters(DataStream<DeadLetter> deadLetters);

    /** Attaches the sink of model events. */
    void events(DataStream<ModelEvent> events);

    /**
     * Attaches the sink of serving statistics (one ModelStats per model version and serving instance every
     * {@code --stats-interval-ms}). Default: discarded (an implementation that keeps them overrides it).
     */
    default void stats(DataStream<ModelStats> stats) {
        stats.sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>())
                .uid("sink-model-stats-discarded")
                .name("Model stats (discarded)");
    }

    /**
     * Raw {@code MachineProperties} of the sensor system's {@code machine_properties} context (compacted topic, key =
     * machine id, a tombstone removes the machine), read by {@code --sensor-system} only, from the earliest offset so
     * that a job started without state still knows every machine. Default: none provided.
     */
    default DataStream<RawRecord> machineProperties(StreamExecutionEnvironment env) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " provides no machine properties; --sensor-system needs machineProperties(env)");
    }

    /**
     * Raw {@code RpmMonitoringConfig}s of the sensor system's {@code rpm_monitoring_config} context (compacted topic,
     * key "default"), read by {@code --sensor-system} only, from the earliest offset. Default: none provided.
     */
    default DataStream<RawRecord> rpmMonitoringConfig(StreamExecutionEnvironment env) {
        throw new UnsupportedOperationException(getClass().getSimpleName()
                + " provides no rpm monitoring config; --sensor-system needs rpmMonitoringConfig(env)");
    }

    /** Attaches the sink of the sensor system's alerts ({@code --sensor-system} only). Default: none provided. */
    default void alerts(DataStream<SystemAlert> alerts) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " provides no alerts sink; --sensor-system needs alerts(stream)");
    }
}
