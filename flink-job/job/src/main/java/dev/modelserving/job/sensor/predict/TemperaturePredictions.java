package dev.modelserving.job.sensor.predict;

import dev.modelserving.job.sensor.context.SensorContexts;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.PredictedTemperature;
import dev.modelserving.proto.ServingResult;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Wires the {@link TemperaturePredictionNode} into a job: serving results and contexts in, predictions out. */
public final class TemperaturePredictions {

    /** Uid of the prediction node. */
    public static final String UID = "temperature-predictions";

    private TemperaturePredictions() {}

    /**
     * The {@code predicted_temperatures} stream (operator {@value #UID}) from the serving results, connected with the
     * broadcast contexts; other nodes (the over-temperature alerts) consume it too.
     *
     * @param results the serving stage's results (every data type; the node keeps the feature records' predictions)
     * @param contexts the context updates ({@link SensorContexts#read})
     * @param sigmaC the prediction error's standard deviation ({@link PredictionOptions#TEMPERATURE_SIGMA_C})
     */
    public static SingleOutputStreamOperator<PredictedTemperature> of(
            DataStream<ServingResult> results, DataStream<ContextUpdate> contexts, double sigmaC) {
        return results.connect(SensorContexts.broadcast(contexts))
                .process(new TemperaturePredictionNode(sigmaC))
                .uid(UID)
                .name("Predicted temperatures");
    }
}
