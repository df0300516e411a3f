package dev.modelserving.model.pmml;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.dmg.pmml.OpType;
import org.jpmml.evaluator.EvaluatorUtil;
import org.jpmml.evaluator.HasProbability;
import org.jpmml.evaluator.TargetField;

/**
 * Turns the evaluator's value for one target field into a {@link Prediction}: a continuous target gives a score, a
 * categorical or ordinal one gives the predicted category as label and, when the model computes them, the class
 * probabilities in the target field's category order.
 *
 * <p>Labels are categories as the PMML writes them: strings as they are, integers without a fraction ("1"), and
 * integral values of double-typed categories without ".0" (JPMML has already parsed those into numbers).
 */
final class PmmlTargetDecoder {

    private final String targetName;
    private final boolean classification;
    private final List<Object> categories;
    private final List<String> categoryLabels;

    private PmmlTargetDecoder(String targetName, boolean classification, List<Object> categories) {
        this.targetName = targetName;
        this.classification = classification;
        this.categories = List.copyOf(categories);
        List<String> labels = new ArrayList<>(categories.size());
        categories.forEach(category -> labels.add(label(category)));
        this.categoryLabels = List.copyOf(labels);
    }

    /**
     * The decoder for the target the descriptor asks for ({@code output.target_field}), or the model's first target.
     *
     * @throws ModelLoadException {@link ModelProblem#SPEC_MISMATCH} for an unknown target field, an output kind the
     *     target cannot give, or declared labels that differ from the target's categories
     */
    static PmmlTargetDecoder select(List<TargetField> targets, OutputSpec output) throws ModelLoadException {
        if (targets.isEmpty()) {
            throw new ModelLoadException(ModelProblem.SPEC_MISMATCH, "the PMML model has no target field");
        }
        TargetField target = targets.get(0);
        if (!output.getTargetField().isEmpty()) {
            target = targets.stream()
                    .filter(t -> output.getTargetField().equals(t.getName()))
                    .findFirst()
                    .orElseThrow(() -> new ModelLoadException(
                            ModelProblem.SPEC_MISMATCH,
                            "output.target_field '"
                                    + output.getTargetField() + "' is not a target of the PMML model; its targets are "
                                    + targets.stream()
                                            .map(TargetField::getName)
                                            .map(n -> "'" + n + "'")
                                            .toList()));
        }
        boolean classification = target.getOpType() == OpType.CATEGORICAL || target.getOpType() == OpType.ORDINAL;
        List<Object> categories = classification && target.getCategories() != null ? target.getCategories() : List.of();
        PmmlTargetDecoder decoder = new PmmlTargetDecoder(target.getName(), classification, categories);
        decoder.check(output);
        return decoder;
    }

    private void check(OutputSpec output) throws ModelLoadException {
        OutputKind kind = output.getKind();
        String what = "PMML target '" + targetName + "' is " + (classification ? "categorical" : "continuous");
        if (kind == OutputKind.RAW_VECTOR) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "output.kind RAW_VECTOR does not apply to PMML: " + what + " and gives "
                            + (classification ? "a classification" : "a score"));
        }
        if (kind == OutputKind.REGRESSION && classification || kind == OutputKind.CLASSIFICATION && !classification) {
            throw new ModelLoadException(ModelProblem.SPEC_MISMATCH, "output.kind is " + kind + " but " + what);
        }
        if (output.getLabelsCount() > 0) {
            if (!classification) {
                throw new ModelLoadException(
                        ModelProblem.SPEC_MISMATCH,
                        "output.labels " + output.getLabelsList() + " are declared but " + what);
            }
            if (!categoryLabels.isEmpty() && !categoryLabels.equals(output.getLabelsList())) {
                throw new ModelLoadException(
                        ModelProblem.SPEC_MISMATCH,
                        "output.labels " + output.getLabelsList() + " differ from the categories of PMML target '"
                                + targetName + "': " + categoryLabels);
            }
        }
    }

    String targetName() {
        return targetName;
    }

    boolean isClassification() {
        return classification;
    }

    /**
     * Decodes the target's value from the evaluator's results.
     *
     * @throws ScoringException when the model gave no value for the target, or a non-numeric value for a continuous one
     */
    Prediction decode(Map<String, ?> results) throws ScoringException {
        Object raw = results.get(targetName);
        Object value = EvaluatorUtil.decode(raw);
        if (value == null) {
            throw new ScoringException("the PMML model gave no value for target '" + targetName + "'");
        }
        if (!classification) {
            if (value instanceof Number number) {
                return Prediction.score(number.doubleValue());
            }
            throw new ScoringException("the PMML model gave the non-numeric value '" + value
                    + "' for continuous target '" + targetName + "'");
        }
        String label = label(value);
        if (!(raw instanceof HasProbability distribution)) {
            return new Prediction(new double[0], label, Map.of());
        }
        LinkedHashMap<String, Double> probabilities = new LinkedHashMap<>();
        for (int i = 0; i < categories.size(); i++) {
            probabilities.put(categoryLabels.get(i), probability(distribution, categories.get(i)));
        }
        // Categories the target does not declare (or all of them, when it declares none), in the model's order.
        for (Object category : distribution.getCategories()) {
            probabilities.putIfAbsent(label(category), probability(distribution, category));
        }
        return Prediction.classification(label, probabilities);
    }

    private static double probability(HasProbability distribution, Object category) {
        Double p = distribution.getProbability(category);
        return p == null ? 0.0 : p;
    }

    /** A category as text: integral numbers without a fraction, everything else by its own string form. */
    static String label(Object category) {
        if (category instanceof Double || category instanceof Float) {
            double v = ((Number) category).doubleValue();
            if (v == Math.rint(v) && Math.abs(v) < 0x1p53) {
                return Long.toString((long) v);
            }
        }
        return Objects.toString(category);
    }
}
