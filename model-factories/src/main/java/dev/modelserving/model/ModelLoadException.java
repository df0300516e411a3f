package dev.modelserving.model;

import java.util.Objects;

/** A descriptor could not become a serving model; {@link #problem()} says why, the message says what exactly. */
public class ModelLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    private final ModelProblem problem;

    public ModelLoadException(ModelProblem problem, String message) {
        this(problem, message, null);
    }

    public ModelLoadException(ModelProblem problem, String message, Throwable cause) {
        super(problem + ": " + message, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    public ModelProblem problem() {
        return problem;
    }
}
