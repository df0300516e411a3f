package dev.modelserving.job.sensor.predict;

import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.job.sensor.context.SensorContexts;
import dev.modelserving.model.sensor.ExceedanceProbability;
import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.MachineProperties;
import dev.modelserving.proto.PredictedTemperature;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns the serving results of the feature records into the {@code predicted_temperatures} stream, using the
 * {@code machine_properties} context (broadcast state) for each machine's alert temperature.
 *
 * <p>A result becomes a {@link PredictedTemperature} when it is of data type {@value MachineFeatureRecords#DATA_TYPE},
 * SCORED, from a regression (no label, exactly one finite output: the next temperature in °C). Other results are
 * skipped (metric {@value #SKIPPED_METRIC}): results of other data types, NO_MODEL and FAILED ones, classifiers'
 * probabilities, and non-finite outputs. The probability of exceeding the machine's alert temperature is
 * {@link ExceedanceProbability#of 1 - Phi((alert - predicted) / sigma)}, or -1 with alert temperature 0 while the
 * machine's properties are unknown (metric {@value #UNKNOWN_MACHINE_METRIC}).
 */
public final class TemperaturePredictionNode
        extends BroadcastProcessFunction<ServingResult, ContextUpdate, PredictedTemperature>
        implements ResultTypeQueryable<PredictedTemperature> {

    private static final long serialVersionUID = 1L;

    /** Operator metric: predictions emitted. */
    public static final String PREDICTIONS_METRIC = "predictions";
    /** Operator metric: results that are no temperature prediction. */
    public static final String SKIPPED_METRIC = "resultsSkipped";
    /** Operator metric: predictions for machines whose properties are unknown (probability -1). */
    public static final String UNKNOWN_MACHINE_METRIC = "predictionsWithoutProperties";

    private final double sigmaC;
    private transient SensorContexts.Updater updater;
    private transient Counter predictions;
    private transient Counter skipped;
    private transient Counter unknownMachine;

    /** @param sigmaC standard deviation of a prediction's error in °C (positive) */
    public TemperaturePredictionNode(double sigmaC) {
        if (!(sigmaC > 0) || !Double.isFinite(sigmaC)) {
            throw new IllegalArgumentException("sigma must be positive and finite, got " + sigmaC);
        }
        this.sigmaC = sigmaC;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        super.open(openContext);
        updater = new SensorContexts.Updater();
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        predictions = metrics.counter(PREDICTIONS_METRIC);
        skipped = metrics.counter(SKIPPED_METRIC);
        unknownMachine = metrics.counter(UNKNOWN_MACHINE_METRIC);
    }

    @Override
    public TypeInformation<PredictedTemperature> getProducedType() {
        return ProtoTypeInfo.of(PredictedTemperature.class);
    }

    /** Whether a result is a temperature prediction this node turns into a {@link PredictedTemperature}. */
    public static boolean isTemperaturePrediction(ServingResult result) {
        return result.getDataType().equals(MachineFeatureRecords.DATA_TYPE)
                && result.getStatus() == ServingStatus.SCORED
                && result.getLabel().isEmpty()
                && result.getOutputsCount() == 1
                && Double.isFinite(result.getOutputs(0));
    }

    @Override
    public void processElement(ServingResult result, ReadOnlyContext ctx, Collector<PredictedTemperature> out)
            throws Exception {
        if (!isTemperaturePrediction(result)) {
            skipped.inc();
            return;
        }
        double predicted = result.getOutputs(0);
        PredictedTemperature.Builder prediction = PredictedTemperature.newBuilder()
                .setMachineId(result.getKey())
                .setTimestampMillis(result.getEventTimeMillis())
                .setPredictedTemperatureC(predicted)
                .setModelName(result.getModelName())
                .setModelVersion(result.getModelVersion())
                .setRecordId(result.getRecordId());
        Optional<MachineProperties> machine =
                SensorContexts.machine(ctx.getBroadcastState(SensorContexts.MACHINES), result.getKey());
        if (machine.isPresent() && Double.isFinite(machine.get().getAlertTemperatureC())) {
            double alert = machine.get().getAlertTemperatureC();
            prediction
                    .setAlertTemperatureC(alert)
                    .setProbabilityExceedingAlert(ExceedanceProbability.of(predicted, alert, sigmaC));
        } else {
            unknownMachine.inc();
            prediction.setAlertTemperatureC(0).setProbabilityExceedingAlert(-1);
        }
        predictions.inc();
        out.collect(prediction.build());
    }

    @Override
    public void processBroadcastElement(ContextUpdate update, Context ctx, Collector<PredictedTemperature> out)
            throws Exception {
        updater.apply(
                update,
                ctx.getBroadcastState(SensorContexts.MACHINES),
                ctx.getBroadcastState(SensorContexts.RPM_CONFIG));
    }
}
