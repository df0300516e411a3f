package dev.modelserving.job.sensor.features;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.SensorReading;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Wires the {@link MachineFeatureNode} into a job: readings with event time in, feature records out. */
public final class MachineFeatures {

    /** Uid of the feature node. */
    public static final String UID = "machine-features";

    private MachineFeatures() {}

    /**
     * Keys the readings by machine id and computes their feature records (operator {@value #UID}); late and duplicate
     * readings are on the returned operator's {@code DeadLetters.TAG} side output.
     *
     * @param readings readings with event time and watermarks ({@link SensorReadings#withEventTime})
     * @param warmUp the whitening warm-up ({@link FeatureOptions#WHITENING_WARM_UP})
     * @param recordsTopic the readings' topic, named in dead letters
     */
    public static SingleOutputStreamOperator<DataRecord> of(
            DataStream<SensorReading> readings, int warmUp, String recordsTopic) {
        return readings.keyBy(SensorReading::getMachineId, Types.STRING)
                .process(new MachineFeatureNode(warmUp, recordsTopic))
                .uid(UID)
                .name("Machine features (10-min window, whitened)");
    }
}
