package dev.modelserving.model.tensor;

import dev.modelserving.model.Prediction;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Reads a tensor model's primary output (one record's values) as the output spec says: a score, a classification
 * (probability vector with argmax, or one positive-class probability) or a raw vector. Values are taken as the model
 * returns them: no softmax or sigmoid is applied.
 */
public final class OutputInterpreter {

    private final OutputKind kind;
    private final List<String> labels;

    public OutputInterpreter(OutputSpec spec) {
        this.kind = spec.getKind();
        this.labels = List.copyOf(spec.getLabelsList());
    }

    public OutputKind kind() {
        return kind;
    }

    /**
     * @param values the primary output of one record
     * @param modelLabel the label from the model's own label output, or {@code null} to take the argmax
     */
    public Prediction interpret(double[] values, String modelLabel) throws ScoringException {
        if (values.length == 0) {
            throw new ScoringException("the model returned an empty output");
        }
        return switch (kind) {
            case REGRESSION -> values.length == 1 ? Prediction.score(values[0]) : Prediction.vector(values);
            case CLASSIFICATION -> classify(values, modelLabel);
            case RAW_VECTOR -> Prediction.vector(values);
            case OUTPUT_KIND_AUTO, UNRECOGNIZED ->
                values.length == 1 ? Prediction.score(values[0]) : Prediction.vector(values);
        };
    }

    private Prediction classify(double[] values, String modelLabel) throws ScoringException {
        double[] probabilities = values.length == 1 ? new double[] {1.0 - values[0], values[0]} : values;
        if (!labels.isEmpty() && labels.size() != probabilities.length) {
            throw new ScoringException("the model returned " + probabilities.length + " class probabilities but the"
                    + " descriptor names " + labels.size() + " labels " + labels);
        }
        LinkedHashMap<String, Double> byLabel = new LinkedHashMap<>();
        int best = 0;
        for (int i = 0; i < probabilities.length; i++) {
            byLabel.put(labelOf(i), probabilities[i]);
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        String label = modelLabel != null ? modelLabel : labelOf(best);
        return Prediction.classification(label, byLabel);
    }

    /** The label of class index i: the descriptor's label, or the index itself. */
    public String labelOf(int i) {
        return labels.isEmpty() ? Integer.toString(i) : labels.get(i);
    }
}
