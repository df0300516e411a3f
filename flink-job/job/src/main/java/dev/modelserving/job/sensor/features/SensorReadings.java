package dev.modelserving.job.sensor.features;

import dev.modelserving.flink.parse.ParseLimits;
import dev.modelserving.flink.parse.RawRecord;
import dev.modelserving.proto.SensorReading;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The sensor system's input: raw records parsed into {@link SensorReading}s (operator {@value #PARSE_UID}) with event
 * time from the readings and bounded out-of-orderness watermarks (operator {@value #WATERMARKS_UID}). The feature
 * node and the rpm monitoring read this one stream; the parser's dead letters are on its
 * {@code DeadLetters.TAG} side output.
 */
public final class SensorReadings {

    /** Uid of the parsing operator. */
    public static final String PARSE_UID = "parse-sensor-readings";
    /** Uid of the timestamp and watermark operator. */
    public static final String WATERMARKS_UID = "sensor-reading-watermarks";

    private SensorReadings() {}

    /** Parses the raw records (dead letters on the returned operator's {@code DeadLetters.TAG} side output). */
    public static SingleOutputStreamOperator<SensorReading> parse(DataStream<RawRecord> raw, ParseLimits limits) {
        return raw.process(new SensorReadingParser(limits)).uid(PARSE_UID).name("Parse sensor readings");
    }

    /**
     * Assigns each reading its {@code timestamp_millis} as event time and emits watermarks that trail the largest
     * timestamp by {@code maxOutOfOrdernessMs}; a parallel stream without readings for {@code idlenessMs} (when
     * positive) is idle and does not hold the watermark back.
     */
    public static DataStream<SensorReading> withEventTime(
            DataStream<SensorReading> readings, long maxOutOfOrdernessMs, long idlenessMs) {
        WatermarkStrategy<SensorReading> strategy = WatermarkStrategy.<SensorReading>forBoundedOutOfOrderness(
                        Duration.ofMillis(maxOutOfOrdernessMs))
                .withTimestampAssigner((reading, kafkaTimestamp) -> reading.getTimestampMillis());
        if (idlenessMs > 0) {
            strategy = strategy.withIdleness(Duration.ofMillis(idlenessMs));
        }
        return readings.assignTimestampsAndWatermarks(strategy)
                .uid(WATERMARKS_UID)
                .name("Sensor reading event time (bounded out-of-orderness " + maxOutOfOrdernessMs + " ms)");
    }
}
