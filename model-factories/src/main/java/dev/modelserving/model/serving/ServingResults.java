package dev.modelserving.model.serving;

import dev.modelserving.model.ModelId;
import dev.modelserving.model.Prediction;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;

/** Builds ServingResults that carry the record's and the model's lineage. */
public final class ServingResults {

    private ServingResults() {}

    /** A result about this record, without a model yet. */
    public static ServingResult.Builder about(DataRecord record) {
        return ServingResult.newBuilder()
                .setRecordId(record.getId())
                .setKey(record.getKey())
                .setDataType(record.getDataType())
                .setEventTimeMillis(record.getEventTimeMillis());
    }

    public static ServingResult noModel(DataRecord record) {
        return about(record)
                .setStatus(ServingStatus.NO_MODEL)
                .setError("no model serves data type '" + record.getDataType() + "'")
                .build();
    }

    public static ServingResult scored(DataRecord record, ModelId model, Prediction prediction, long latencyNanos) {
        return scored(record, ModelLineage.of(model), prediction, latencyNanos, 0);
    }

    /**
     * A SCORED result of a record that waited {@code batchWaitNanos} in its micro-batch before the model call.
     *
     * @param model the model, its lineage encoded once for all its results
     */
    public static ServingResult scored(
            DataRecord record, ModelLineage model, Prediction prediction, long latencyNanos, long batchWaitNanos) {
        ServingResult.Builder result = withModel(about(record), model)
                .setStatus(ServingStatus.SCORED)
                .setLatencyNanos(latencyNanos)
                .setBatchWaitNanos(batchWaitNanos);
        for (double output : prediction.outputs()) {
            result.addOutputs(output);
        }
        if (prediction.label() != null) {
            result.setLabel(prediction.label());
        }
        if (!prediction.probabilities().isEmpty()) {
            result.putAllProbabilities(prediction.probabilities()); // an empty put still allocates the map field
        }
        return result.build();
    }

    public static ServingResult failed(DataRecord record, ModelId model, String error, long latencyNanos) {
        return failed(record, model == null ? null : ModelLineage.of(model), error, latencyNanos, 0);
    }

    /**
     * A FAILED result of a record that waited {@code batchWaitNanos} in its micro-batch before the model call.
     *
     * @param model the model, or null when no model was asked
     */
    public static ServingResult failed(
            DataRecord record, ModelLineage model, String error, long latencyNanos, long batchWaitNanos) {
        ServingResult.Builder result = about(record)
                .setStatus(ServingStatus.FAILED)
                .setError(error)
                .setLatencyNanos(latencyNanos)
                .setBatchWaitNanos(batchWaitNanos);
        return (model == null ? result : withModel(result, model)).build();
    }

    private static ServingResult.Builder withModel(ServingResult.Builder result, ModelLineage model) {
        return result.setModelName(model.id().name())
                .setModelVersion(model.id().version())
                .setModelSha256Bytes(model.sha256());
    }
}
