package dev.modelserving.model.tensorflow;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.proto.DataType;

/**
 * The graph tensors a TensorFlow model feeds and fetches, found in its graph and checked when the model loads:
 * each exists, has a type the model can read or write, and the input's static shape fits the records.
 *
 * @param input the tensor fed with one record
 * @param inputType FLOAT or DOUBLE
 * @param inputLayout how a record is shaped for it
 * @param primaryOutput the output read as the prediction's values
 * @param primaryDescription how the descriptor names the primary output (for messages)
 * @param label the tensor holding the model's own label (int class index or string), or {@code null}
 * @param labelDescription how the descriptor names the label tensor, or {@code null}
 */
record GraphBinding(
        Output<?> input,
        DataType inputType,
        InputLayout inputLayout,
        Output<?> primaryOutput,
        String primaryDescription,
        Output<?> label,
        String labelDescription) {

    private static final int CANDIDATES_SHOWN = 10;
    private static final Set<String> NOT_OUTPUTS = Set.of("NoOp", "Assert", "SaveV2", "RestoreV2", "Placeholder");

    /**
     * Finds and checks the tensors.
     *
     * @param outputs the outputs the descriptor names, primary first (all are checked; non-empty)
     * @param label the label tensor, or {@code null}
     * @param recordShape the record shape known at load time (empty when it depends on the records)
     * @throws ModelLoadException SPEC_MISMATCH naming the tensor and the problem
     */
    static GraphBinding bind(
            Graph graph, NamedTensor input, List<NamedTensor> outputs, NamedTensor label, long[] recordShape)
            throws ModelLoadException {
        if (outputs.isEmpty()) {
            throw new ModelLoadException(ModelProblem.SPEC_MISMATCH, "no output tensor named");
        }
        Output<?> in = find(graph, input, true);
        requireType(in, input, TensorValues.INPUT_TYPES, "float or double");
        InputLayout layout = InputLayout.of(in.shape(), recordShape, input.description());
        List<Output<?>> fetched = new ArrayList<>();
        for (NamedTensor output : outputs) {
            Output<?> out = find(graph, output, false);
            requireType(out, output, TensorValues.NUMERIC_OUTPUT_TYPES, "float, double, int32 or int64");
            fetched.add(out);
        }
        Output<?> labelOutput = null;
        if (label != null) {
            labelOutput = find(graph, label, false);
            requireType(labelOutput, label, TensorValues.LABEL_TYPES, "int32, int64 or string");
        }
        return new GraphBinding(
                in,
                in.dataType(),
                layout,
                fetched.get(0),
                outputs.get(0).description(),
                labelOutput,
                label == null ? null : label.description());
    }

    /** The names of the graph's Placeholder operations, in graph order. */
    static List<String> placeholders(Graph graph) {
        List<String> names = new ArrayList<>();
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            GraphOperation op = it.next();
            if ("Placeholder".equals(op.type())) {
                names.add(op.name());
            }
        }
        return names;
    }

    /** Operations whose outputs nothing in the graph consumes: the likely model outputs. */
    static List<String> unconsumedOperations(Graph graph, int limit) {
        List<String> names = new ArrayList<>();
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext() && names.size() < limit; ) {
            GraphOperation op = it.next();
            if (op.numOutputs() > 0 && op.numConsumers() == 0 && !NOT_OUTPUTS.contains(op.type())) {
                names.add(op.name());
            }
        }
        return names;
    }

    private static Output<?> find(Graph graph, NamedTensor named, boolean isInput) throws ModelLoadException {
        TensorName name = named.tensor();
        GraphOperation op = graph.operation(name.operation());
        if (op == null) {
            List<String> candidates = isInput ? placeholders(graph) : unconsumedOperations(graph, CANDIDATES_SHOWN);
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "no tensor '" + name.operation()
                            + "' in the graph (" + named.description() + "); "
                            + (isInput ? "placeholders: " : "operations nothing consumes: ")
                            + candidates.subList(0, Math.min(CANDIDATES_SHOWN, candidates.size())));
        }
        if (name.index() >= op.numOutputs()) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "no tensor '" + name + "' in the graph ("
                            + named.description() + "): operation '" + op.name() + "' (" + op.type() + ") has "
                            + op.numOutputs() + " output(s)");
        }
        return op.output(name.index());
    }

    private static void requireType(Output<?> output, NamedTensor named, Set<DataType> allowed, String words)
            throws ModelLoadException {
        if (!allowed.contains(output.dataType())) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "the " + named.description() + " has type " + output.dataType() + "; it must be " + words);
        }
    }
}
