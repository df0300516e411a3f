package dev.modelserving.model.tensorflow;

import dev.modelserving.model.Model;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.Scored;
import dev.modelserving.model.ScoringException;
import dev.modelserving.model.tensor.BatchGroups;
import dev.modelserving.model.tensor.InputVector;
import dev.modelserving.model.tensor.OutputInterpreter;
import dev.modelserving.model.tensor.RecordVectorizer;
import dev.modelserving.model.tensor.StackedBatch;
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
 *
 * <p>{@link #scoreBatch(List)} feeds the records of a batch in one {@code session.run} when the input tensor has a
 * free batch dimension: each record is vectorized and checked on its own first (a record that fails gets a failed
 * outcome and stays out of the call), the others are stacked along the batch dimension in groups of one record shape
 * and at most {@link RecordVectorizer#maxElements()} values, and the outputs are split by row. Where a call cannot
 * be split that way (the outputs lose the batch dimension, or the run fails), its records are scored one by one, so
 * every record gets exactly the outcome {@link #score(DataRecord)} would give it.
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
    /** Native calls made, for tests that check a batch costs one. */
    private long nativeRuns;

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
        long[] shape = feedShape(vector);
        double[] values;
        String label = null;
        try (Tensor input = TensorValues.input(binding.inputType(), shape, vector.values())) {
            Session.Runner runner =
                    session.runner().feed(binding.input(), input).fetch(binding.primaryOutput());
            if (binding.label() != null) {
                runner.fetch(binding.label());
            }
            nativeRuns++;
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

    @Override
    public List<Scored> scoreBatch(List<DataRecord> records) {
        if (closed) {
            throw new IllegalStateException("model " + id + " is closed");
        }
        if (records.size() < 2) {
            return Model.super.scoreBatch(records);
        }
        return StackedBatch.score(records, this, vectorizer, this::checkFeed, this::scoreStacked);
    }

    /** Whether a record's vector stacks along the batch dimension, after the checks {@link #score(DataRecord)} makes. */
    private boolean checkFeed(InputVector vector) throws ScoringException {
        feedShape(vector);
        return binding.inputLayout().stacks(vector.shape());
    }

    /** The shape of the tensor that feeds a record's vector, checked as feedable. */
    private long[] feedShape(InputVector vector) throws ScoringException {
        long[] shape = binding.inputLayout().feedShape(vector.shape());
        TensorShapes.requireFeedable(
                shape, vector.values().length, "the " + binding.inputLayout().description() + " would get shape");
        return shape;
    }

    /**
     * Scores a group of records of one shape in one run and fills in their outcomes; false (nothing filled in) when
     * the run fails or its outputs do not have one row per record.
     */
    private boolean scoreStacked(List<BatchGroups.Member> group, List<DataRecord> records, Scored[] outcomes) {
        int count = group.size();
        long[] shape = BatchGroups.batchShape(count, group.get(0).vector().shape());
        float[] values = BatchGroups.stacked(group);
        Result result = null;
        try (Tensor input = TensorValues.input(binding.inputType(), shape, values)) {
            Session.Runner runner =
                    session.runner().feed(binding.input(), input).fetch(binding.primaryOutput());
            if (binding.label() != null) {
                runner.fetch(binding.label());
            }
            nativeRuns++;
            result = runner.run();
            Tensor out = result.get(0);
            if (!hasRows(out, count)) {
                return false;
            }
            double[] primary = TensorValues.toDoubles(out, binding.primaryDescription());
            Tensor labels = binding.label() == null ? null : result.get(1);
            if (labels != null && !hasRows(labels, count)) {
                return false;
            }
            StackedBatch.splitRows(
                    group, primary, labels == null ? null : row -> labelAt(labels, row), interpreter, outcomes);
            return true;
        } catch (TensorFlowException | IllegalArgumentException | ScoringException e) {
            // Not lost: the caller scores these records one by one, and each gets the failure score() reports.
            return false;
        } finally {
            if (result != null) {
                result.close();
            }
        }
    }

    private static boolean hasRows(Tensor tensor, int count) {
        return tensor.shape().numDimensions() >= 1 && tensor.shape().get(0) == count;
    }

    private String labelAt(Tensor tensor, int row) throws ScoringException {
        if (tensor.dataType() == DataType.DT_STRING) {
            return TensorValues.stringAt(tensor, row, binding.labelDescription());
        }
        long index = TensorValues.integerAt(tensor, row, binding.labelDescription());
        return checkedLabel(index);
    }

    private String checkedLabel(long index) throws ScoringException {
        if (index < 0 || (labelCount > 0 && index >= labelCount) || index > Integer.MAX_VALUE) {
            throw new ScoringException("the " + binding.labelDescription() + " returned class index " + index
                    + (labelCount > 0 ? " but the descriptor names " + labelCount + " labels" : ""));
        }
        return interpreter.labelOf((int) index);
    }

    private String label(Tensor tensor) throws ScoringException {
        if (tensor.dataType() == DataType.DT_STRING) {
            return TensorValues.firstString(tensor, binding.labelDescription());
        }
        long index = TensorValues.firstInteger(tensor, binding.labelDescription());
        return checkedLabel(index);
    }

    /** How many times the model called the native runtime (each {@code score}, each stacked group of a batch). */
    long nativeRuns() {
        return nativeRuns;
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
