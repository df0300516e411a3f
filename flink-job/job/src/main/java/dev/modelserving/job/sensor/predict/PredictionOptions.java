package dev.modelserving.job.sensor.predict;

import dev.modelserving.model.sensor.ExceedanceProbability;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The job options of the sensor system's temperature predictions. */
public final class PredictionOptions {

    /** {@code --predictions-topic}: where {@code PredictedTemperature}s go. */
    public static final ConfigOption<String> PREDICTIONS_TOPIC = ConfigOptions.key("model-serving.predictions-topic")
            .stringType()
            .defaultValue("predicted-temperatures")
            .withDescription(
                    "Topic of the PredictedTemperatures (stream predicted_temperatures), keyed by machine" + " id.");

    /** {@code --temperature-sigma-c}: the standard deviation of a predicted temperature's error. */
    public static final ConfigOption<Double> TEMPERATURE_SIGMA_C = ConfigOptions.key(
                    "model-serving.temperature-sigma-c")
            .doubleType()
            .defaultValue(ExceedanceProbability.DEFAULT_SIGMA_C)
            .withDescription("Standard deviation (°C) of a predicted temperature's error, used for the probability"
                    + " of exceeding the alert temperature; default: the sample temperature models' test RMSE.");

    private PredictionOptions() {}
}
