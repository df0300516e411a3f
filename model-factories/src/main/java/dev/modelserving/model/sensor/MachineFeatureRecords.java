package dev.modelserving.model.sensor;

import dev.modelserving.model.records.SensorRecords;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.SensorReading;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The records the sensor system's models score: one per reading whose window has features (see
 * {@link SensorWindowFeatures}) once the machine's whitening is warm (see {@link RunningWhitening}).
 *
 * <p>A record has data type {@value #DATA_TYPE}, key = machine id, id = {@link SensorRecords#recordId the reading's
 * id} (machine id + "-" + timestamp), event time = the reading's timestamp, and the features
 * {@link #MODEL_FEATURE_NAMES}: every window feature whitened, named with the suffix {@value #WHITENED_SUFFIX}, plus
 * the raw current temperature {@value SensorWindowFeatures#TEMPERATURE_C} in °C. The raw temperature is the one
 * un-whitened input because the models predict a temperature in °C: whitened inputs alone carry no machine's level.
 *
 * <p>{@link #next(List, RunningWhitening)} is the one step the job's feature node and the sample trainers share.
 */
public final class MachineFeatureRecords {

    /** {@code DataRecord.data_type} of feature records; the sensor system's models declare it. */
    public static final String DATA_TYPE = "machine-features";
    /** Suffix of a whitened feature's name. */
    public static final String WHITENED_SUFFIX = "_z";
    /** The record's features in the order models take them as a vector: raw temperature, then whitened features. */
    public static final List<String> MODEL_FEATURE_NAMES = modelFeatureNames();

    private MachineFeatureRecords() {}

    /**
     * The record at the last reading of {@code window}, if it has one: computes the window features; when there are
     * none (too few readings, a non-finite value) returns empty and leaves {@code whitening} unchanged; otherwise
     * whitens them (which adds them to {@code whitening}) and returns the record, or empty during warm-up.
     *
     * @param window one machine's readings in event-time order ending at the current reading (see
     *     {@link SensorWindowFeatures#compute(List)})
     * @param whitening the machine's running whitening, {@link SensorWindowFeatures#FEATURE_NAMES} dimensions
     * @throws IllegalArgumentException when the window is out of order or has no machine id
     */
    public static Optional<DataRecord> next(List<SensorReading> window, RunningWhitening whitening) {
        Optional<double[]> features = SensorWindowFeatures.compute(window);
        if (features.isEmpty()) {
            return Optional.empty();
        }
        return whitening
                .whitenThenAdd(features.get())
                .map(whitened -> toRecord(window.get(window.size() - 1), features.get(), whitened));
    }

    /**
     * The record of one reading from its raw and whitened window features.
     *
     * @throws IllegalArgumentException when the reading has no machine id or the arrays have the wrong length
     */
    public static DataRecord toRecord(SensorReading current, double[] features, double[] whitened) {
        int dimensions = SensorWindowFeatures.FEATURE_NAMES.size();
        if (features.length != dimensions || whitened.length != dimensions) {
            throw new IllegalArgumentException("expected " + dimensions + " features, got " + features.length
                    + " raw and " + whitened.length + " whitened");
        }
        DataRecord.Builder record = DataRecord.newBuilder()
                .setDataType(DATA_TYPE)
                .setKey(current.getMachineId())
                .setId(SensorRecords.recordId(current))
                .setEventTimeMillis(current.getTimestampMillis())
                .putFeatures(
                        SensorWindowFeatures.TEMPERATURE_C,
                        features[SensorWindowFeatures.FEATURE_NAMES.indexOf(SensorWindowFeatures.TEMPERATURE_C)]);
        for (int i = 0; i < dimensions; i++) {
            record.putFeatures(whitenedName(SensorWindowFeatures.FEATURE_NAMES.get(i)), whitened[i]);
        }
        return record.build();
    }

    /** The name of a whitened window feature: {@code feature + "_z"}. */
    public static String whitenedName(String feature) {
        return feature + WHITENED_SUFFIX;
    }

    /** The record's features as a vector in {@link #MODEL_FEATURE_NAMES} order. */
    public static double[] modelInputs(DataRecord record) {
        double[] inputs = new double[MODEL_FEATURE_NAMES.size()];
        for (int i = 0; i < inputs.length; i++) {
            String name = MODEL_FEATURE_NAMES.get(i);
            Double value = record.getFeaturesMap().get(name);
            if (value == null) {
                throw new IllegalArgumentException("record " + record.getId() + " has no feature " + name);
            }
            inputs[i] = value;
        }
        return inputs;
    }

    private static List<String> modelFeatureNames() {
        List<String> names = new ArrayList<>();
        names.add(SensorWindowFeatures.TEMPERATURE_C);
        for (String feature : SensorWindowFeatures.FEATURE_NAMES) {
            names.add(whitenedName(feature));
        }
        return List.copyOf(names);
    }
}
