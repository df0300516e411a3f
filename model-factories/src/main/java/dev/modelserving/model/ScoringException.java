package dev.modelserving.model;

/** One record could not be scored (missing or NaN feature, wrong shape, evaluator error); the model stays usable. */
public class ScoringException extends Exception {

    private static final long serialVersionUID = 1L;

    public ScoringException(String message) {
        super(message);
    }

    public ScoringException(String message, Throwable cause) {
        super(message, cause);
    }
}
