package dev.modelserving.model.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which ONNX outputs a model's results come from: the primary output (a numeric tensor, or a sequence of maps of
 * class probabilities as scikit-learn's ZipMap produces) and optionally a label tensor. Checked against the
 * descriptor once, when the model loads.
 */
final class OnnxOutputPlan {

    private static final Set<OnnxJavaType> NUMERIC =
            EnumSet.of(OnnxJavaType.FLOAT, OnnxJavaType.DOUBLE, OnnxJavaType.INT64, OnnxJavaType.INT32);
    private static final Set<OnnxJavaType> LABEL_TYPES =
            EnumSet.of(OnnxJavaType.INT64, OnnxJavaType.INT32, OnnxJavaType.STRING);

    private static final Set<OnnxJavaType> PROBABILITY_TYPES = EnumSet.of(OnnxJavaType.FLOAT, OnnxJavaType.DOUBLE);

    private final String primaryName;
    private final boolean probabilityMaps;
    private final String labelName;
    private final boolean inferredClassifier;

    private OnnxOutputPlan(String primaryName, boolean probabilityMaps, String labelName, boolean inferredClassifier) {
        this.primaryName = primaryName;
        this.probabilityMaps = probabilityMaps;
        this.labelName = labelName;
        this.inferredClassifier = inferredClassifier;
    }

    /**
     * The primary output is the spec's first tensor name or, when the spec names none, the model's first output
     * that is not the label tensor. A model with exactly two outputs, one a label tensor (INT64/INT32/STRING) and the
     * other probabilities (a FLOAT/DOUBLE tensor or a sequence of maps) — what scikit-learn exporters write — is read
     * as a classifier when the spec names no outputs: probabilities are primary, the other output is the label.
     *
     * @param outputs the session's outputs, in model order
     * @throws ModelLoadException {@link ModelProblem#SPEC_MISMATCH} naming the output and the model's outputs
     */
    static OnnxOutputPlan resolve(Map<String, NodeInfo> outputs, OutputSpec spec) throws ModelLoadException {
        if (outputs.isEmpty()) {
            throw new ModelLoadException(ModelProblem.SPEC_MISMATCH, "the ONNX model has no outputs");
        }
        for (String name : spec.getTensorNamesList()) {
            requireOutput(outputs, name, "output.tensor_names");
        }
        if (spec.getTensorNamesCount() == 0 && spec.getLabelTensorName().isEmpty()) {
            OnnxOutputPlan classifier = classifierPair(outputs);
            if (classifier != null) {
                return classifier;
            }
        }
        String labelName = spec.getLabelTensorName().isEmpty() ? null : spec.getLabelTensorName();
        if (labelName != null) {
            requireOutput(outputs, labelName, "output.label_tensor_name");
            ValueInfo info = outputs.get(labelName).getInfo();
            if (!(info instanceof TensorInfo tensor && LABEL_TYPES.contains(tensor.type))) {
                throw new ModelLoadException(
                        ModelProblem.SPEC_MISMATCH,
                        "label output '" + labelName + "' is " + OnnxDescriptions.describe(info)
                                + "; a label tensor must be INT64, INT32 or STRING");
            }
        }
        String primary = spec.getTensorNamesCount() > 0
                ? spec.getTensorNames(0)
                : outputs.keySet().stream()
                        .filter(n -> !n.equals(labelName))
                        .findFirst()
                        .orElse(labelName);
        ValueInfo info = outputs.get(primary).getInfo();
        boolean maps;
        if (info instanceof TensorInfo tensor && NUMERIC.contains(tensor.type)) {
            maps = false;
        } else if (info instanceof SequenceInfo sequence && sequence.isSequenceOfMaps()) {
            maps = true;
        } else {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "primary output '" + primary + "' is "
                            + OnnxDescriptions.describe(info)
                            + "; it must be a FLOAT, DOUBLE, INT64 or INT32 tensor or a"
                            + " sequence of maps of class probabilities; the model's outputs are "
                            + OnnxDescriptions.describe(outputs));
        }
        return new OnnxOutputPlan(primary, maps, labelName, false);
    }

    /** The label + probabilities pair of a two-output classifier, or {@code null} if the outputs are not that. */
    private static OnnxOutputPlan classifierPair(Map<String, NodeInfo> outputs) {
        if (outputs.size() != 2) {
            return null;
        }
        String label = null;
        String probabilities = null;
        boolean maps = false;
        for (Map.Entry<String, NodeInfo> output : outputs.entrySet()) {
            ValueInfo info = output.getValue().getInfo();
            if (info instanceof TensorInfo tensor
                    && LABEL_TYPES.contains(tensor.type)
                    && label == null
                    && !PROBABILITY_TYPES.contains(tensor.type)) {
                label = output.getKey();
            } else if (info instanceof TensorInfo tensor && PROBABILITY_TYPES.contains(tensor.type)) {
                probabilities = output.getKey();
            } else if (info instanceof SequenceInfo sequence && sequence.isSequenceOfMaps()) {
                probabilities = output.getKey();
                maps = true;
            }
        }
        return label != null && probabilities != null ? new OnnxOutputPlan(probabilities, maps, label, true) : null;
    }

    /** The output spec to interpret results with: an inferred classifier is read as CLASSIFICATION. */
    OutputSpec effectiveSpec(OutputSpec spec) {
        return inferredClassifier && spec.getKind() == OutputKind.OUTPUT_KIND_AUTO
                ? spec.toBuilder().setKind(OutputKind.CLASSIFICATION).build()
                : spec;
    }

    private static void requireOutput(Map<String, NodeInfo> outputs, String name, String field)
            throws ModelLoadException {
        if (!outputs.containsKey(name)) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    field + " names '" + name
                            + "', which is not an output of the ONNX model; its outputs are "
                            + OnnxDescriptions.describe(outputs));
        }
    }

    String primaryName() {
        return primaryName;
    }

    /** Whether the primary output is a sequence of maps (class → probability) rather than a tensor. */
    boolean probabilityMaps() {
        return probabilityMaps;
    }

    /** The label tensor's name, or {@code null}. */
    String labelName() {
        return labelName;
    }

    /** The outputs to ask ONNX Runtime for: only those the result is made of. */
    Set<String> fetched() {
        Set<String> names = new LinkedHashSet<>();
        names.add(primaryName);
        if (labelName != null) {
            names.add(labelName);
        }
        return Set.copyOf(names);
    }
}
