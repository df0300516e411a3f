package dev.modelserving.model;

import java.util.Objects;

/**
 * The outcome of scoring one record of a batch: its prediction, or the reason it could not be scored. One record's
 * failure never fails the others of its batch.
 */
public record Scored(Prediction prediction, ScoringException failure) {

    public Scored {
        if ((prediction == null) == (failure == null)) {
            throw new IllegalArgumentException("exactly one of prediction and failure");
        }
    }

    /** A scored record. */
    public static Scored of(Prediction prediction) {
        return new Scored(Objects.requireNonNull(prediction, "prediction"), null);
    }

    /** A record the model could not score. */
    public static Scored failed(ScoringException failure) {
        return new Scored(null, Objects.requireNonNull(failure, "failure"));
    }

    /** Whether the record was scored. */
    public boolean ok() {
        return prediction != null;
    }
}
