package dev.modelserving.model.tensorflow;

import dev.modelserving.model.Model;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.ScoringException;
import dev.modelserving.model.tensor.InputVector;
import dev.modelserving.model.tensor.OutputInterpreter;
import dev.modelserving.model.tensor.RecordVectorizer;
import dev.modelserving.model.tensor.TensorShapes;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.OutputSpec;
import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;

/**
 * The scoring core shared by the TensorFlow factories: one session, one input tensor built from the record, the
 * primary output (and optionally a label tensor) fetched and read as the descriptor's output spec says.
 *
 * <p>Owns its native resources (session, graph or SavedModel bundle, unpacked directory) and releases them all on
 * {@link #close()}. Every tensor and result is closed after each call. One thread at a time.
 */
final class TensorFlowModel implements Model {

    private final ModelId id;
    private final Session session;
    private final GraphBinding binding;
    private final RecordVectorizer vectorizer;
    private final OutputInterpreter interpreter;
    private final int labelCount;
    private final List<AutoCloseable> resources;
    private boolean closed;

    /**
     * @param resources what the model owns, closed in this order (the session before its graph, the bundle before
     *     its unpacked directory)
     */
    TensorFlowModel(
            ModelId id,
            Session session,
            GraphBinding binding,
            RecordVectorizer vectorizer,
            OutputSpec outputSpec,
            List<AutoCloseable> resources) {
        this.id = id;
        this.session = session;
        this.binding = binding;
        this.vectorizer = vectorizer;
        this.interpreter = new OutputInterpreter(outputSpec);
        this.labelCount = outputSpec.getLabelsCount();
        this.resources = List.copyOf(resources);
    }

    /** Session options for scoring one record per call: ops run on the caller's thread. */
    static ConfigProto sessionConfig() {
        return ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(1)
                .setInterOpParallelismThreads(-1)
                .build();
    }

    @Override
    public ModelId id() {
        return id;
    }

    @Override
    public Prediction score(DataRecord record) throws ScoringException {
        if (closed) {
            throw new IllegalStateException("model " + id + " is closed");
        }
        InputVector vector = vectorizer.vectorize(record);
        long[] shape = binding.inputLayout().feedShape(vector.shape());
        TensorShapes.requireFeedable(
                shape, vector.values().length, "the " + binding.inputLayout().description() + " would get shape");
        double[] values;
        String label = null;
        try (Tensor input = TensorValues.input(binding.inputType(), shape, vector.values())) {
            Session.Runner runner =
                    session.runner().feed(binding.input(), input).fetch(binding.primaryOutput());
            if (binding.label() != null) {
                runner.fetch(binding.label());
            }
            try (Result result = runner.run()) {
                values = TensorValues.toDoubles(result.get(0), binding.primaryDescription());
                if (binding.label() != null) {
                    label = label(result.get(1));
                }
            }
        } catch (TensorFlowException | IllegalArgumentException e) {
            throw new ScoringException(
                    "TensorFlow could not score record '" + record.getId() + "' with model " + id + ": "
                            + e.getMessage(),
                    e);
        }
        return interpreter.interpret(values, label);
    }

    private String label(Tensor tensor) throws ScoringException {
        if (tensor.dataType() == DataType.DT_STRING) {
            return TensorValues.firstString(tensor, binding.labelDescription());
        }
        long index = TensorValues.firstInteger(tensor, binding.labelDescription());
        if (index < 0 || (labelCount > 0 && index >= labelCount) || index > Integer.MAX_VALUE) {
            throw new ScoringException("the " + binding.labelDescription() + " returned class index " + index
                    + (labelCount > 0 ? " but the descriptor names " + labelCount + " labels" : ""));
        }
        return interpreter.labelOf((int) index);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Closeables.closeAll(resources);
    }

    @Override
    public String toString() {
        return "TensorFlowModel{" + id + "}";
    }
}
