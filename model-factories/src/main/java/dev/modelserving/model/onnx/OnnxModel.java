package dev.modelserving.model.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
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
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model served by ONNX Runtime, one record per call. Each call writes the record into the model's reused
 * direct input buffer, runs the session for the outputs the result needs, and closes the input tensor and the run's
 * result before returning. Used by one thread at a time (see {@link Model}); {@link #close()} closes the session.
 *
 * <p>{@link #scoreBatch(List)} runs the session once per batch when the input has a symbolic batch dimension and the
 * primary output is a tensor: each record is vectorized and checked on its own first (a record that fails gets a
 * failed outcome and stays out of the call), the others are written one after the other into the reused direct
 * buffer in groups of one record shape and at most {@link RecordVectorizer#maxElements()} values, and the outputs are
 * split by row. Where a call cannot be split that way (outputs without one row per record, a failed run) or the
 * output is a sequence of probability maps, records are scored one by one, so every record gets exactly the outcome
 * {@link #score(DataRecord)} would give it.
 */
final class OnnxModel implements Model {

    private final ModelId id;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final RecordVectorizer vectorizer;
    private final OnnxInputPlan input;
    private final OnnxOutputPlan outputs;
    private final Set<String> fetched;
    private final OutputSpec outputSpec;
    private final OutputInterpreter interpreter;
    private final OnnxInputBuffer buffer;
    /** Full-precision values for a DOUBLE input fed from named features; reused. */
    private final double[] doubleFeatures;

    private long[] lastRecordShape = new long[0];
    private long[] lastTensorShape;
    private List<String> mapClasses = List.of();
    private OutputInterpreter mapInterpreter;
    private boolean closed;
    /** Native calls made, for tests that check a batch costs one. */
    private long nativeRuns;

    OnnxModel(
            ModelId id,
            OrtEnvironment environment,
            OrtSession session,
            RecordVectorizer vectorizer,
            OnnxInputPlan input,
            OnnxOutputPlan outputs,
            OutputSpec outputSpec) {
        this.id = id;
        this.environment = environment;
        this.session = session;
        this.vectorizer = vectorizer;
        this.input = input;
        this.outputs = outputs;
        this.fetched = outputs.fetched();
        this.outputSpec = outputSpec;
        this.interpreter = new OutputInterpreter(outputSpec);
        this.buffer = new OnnxInputBuffer(
                input.elementType(), initialCapacity(vectorizer.staticShape(), vectorizer.maxElements()));
        this.doubleFeatures = input.elementType() == OnnxJavaType.DOUBLE && vectorizer.usesNamedFeatures()
                ? new double[vectorizer.featureNames().size()]
                : null;
    }

    /** Elements of the known dimensions (-1 counts as 1), capped: the vectorizer refuses more per record. */
    private static int initialCapacity(long[] recordShape, long maxElements) {
        long elements = 1;
        for (long d : recordShape) {
            elements = Math.min(maxElements, elements * Math.min(maxElements, Math.max(1, d)));
        }
        return (int) elements;
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
        nativeRuns++;
        try (OnnxTensor tensor = inputTensor(record, vector, shape);
                OrtSession.Result result = session.run(Map.of(input.name(), tensor), fetched)) {
            return interpret(result);
        } catch (OrtException e) {
            throw new ScoringException("ONNX Runtime failed to score with model " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<Scored> scoreBatch(List<DataRecord> records) {
        if (closed) {
            throw new IllegalStateException("model " + id + " is closed");
        }
        if (records.size() < 2 || outputs.probabilityMaps()) {
            return Model.super.scoreBatch(records);
        }
        return StackedBatch.score(records, this, vectorizer, this::checkFeed, this::scoreStacked);
    }

    /** Whether a record's vector stacks along the batch dimension, after the checks {@link #score(DataRecord)} makes. */
    private boolean checkFeed(InputVector vector) throws ScoringException {
        feedShape(vector);
        return input.stacks(vector.shape());
    }

    /** The shape of the tensor that feeds a record's vector, checked as feedable. */
    private long[] feedShape(InputVector vector) throws ScoringException {
        long[] shape = tensorShape(vector.shape());
        TensorShapes.requireFeedable(
                shape, vector.values().length, "ONNX input '" + input.name() + "' would get shape");
        return shape;
    }

    /**
     * Scores a group of records of one shape in one run and fills in their outcomes; false (nothing filled in) when
     * the run fails or its outputs do not have one row per record.
     */
    private boolean scoreStacked(List<BatchGroups.Member> group, List<DataRecord> records, Scored[] outcomes) {
        int count = group.size();
        long[] shape = BatchGroups.batchShape(count, group.get(0).vector().shape());
        nativeRuns++;
        try (OnnxTensor tensor = stackedTensor(group, records, shape);
                OrtSession.Result result = session.run(Map.of(input.name(), tensor), fetched)) {
            OnnxValue primary = output(result, outputs.primaryName());
            OnnxValue labels = outputs.labelName() == null ? null : output(result, outputs.labelName());
            if (OnnxOutputReader.rows(primary) != count || (labels != null && OnnxOutputReader.rows(labels) != count)) {
                return false;
            }
            double[] values = OnnxOutputReader.numbers(primary, outputs.primaryName());
            StackedBatch.splitRows(
                    group,
                    values,
                    labels == null ? null : row -> OnnxOutputReader.labelAt(labels, outputs.labelName(), row, count),
                    interpreter,
                    outcomes);
            return true;
        } catch (OrtException | ScoringException e) {
            // Not lost: the caller scores these records one by one, and each gets the failure score() reports.
            return false;
        }
    }

    private OnnxTensor stackedTensor(List<BatchGroups.Member> group, List<DataRecord> records, long[] shape)
            throws OrtException {
        if (doubleFeatures == null) {
            return buffer.tensor(environment, BatchGroups.stacked(group), shape);
        }
        // Named features into a DOUBLE input: full precision, as score() feeds them.
        List<String> names = vectorizer.featureNames();
        int per = names.size();
        double[] values = new double[per * group.size()];
        for (int row = 0; row < group.size(); row++) {
            Map<String, Double> features = records.get(group.get(row).index()).getFeaturesMap();
            for (int i = 0; i < per; i++) {
                values[row * per + i] = features.get(names.get(i));
            }
        }
        return buffer.tensor(environment, values, shape);
    }

    private long[] tensorShape(long[] recordShape) throws ScoringException {
        if (lastTensorShape == null || !Arrays.equals(recordShape, lastRecordShape)) {
            lastTensorShape = input.tensorShape(recordShape);
            lastRecordShape = recordShape.clone();
        }
        return lastTensorShape;
    }

    private OnnxTensor inputTensor(DataRecord record, InputVector vector, long[] shape) throws OrtException {
        if (doubleFeatures == null) {
            return buffer.tensor(environment, vector.values(), shape);
        }
        // The vectorizer has checked every feature is present and finite; take them again without float rounding.
        List<String> names = vectorizer.featureNames();
        Map<String, Double> features = record.getFeaturesMap();
        for (int i = 0; i < doubleFeatures.length; i++) {
            doubleFeatures[i] = features.get(names.get(i));
        }
        return buffer.tensor(environment, doubleFeatures, shape);
    }

    private Prediction interpret(OrtSession.Result result) throws ScoringException {
        String label = outputs.labelName() == null
                ? null
                : OnnxOutputReader.label(output(result, outputs.labelName()), outputs.labelName());
        OnnxValue primary = output(result, outputs.primaryName());
        if (!outputs.probabilityMaps()) {
            return interpreter.interpret(OnnxOutputReader.numbers(primary, outputs.primaryName()), label);
        }
        LinkedHashMap<String, Double> byClass = OnnxOutputReader.probabilityMap(primary, outputs.primaryName());
        List<String> classes =
                outputSpec.getLabelsCount() > 0 ? outputSpec.getLabelsList() : List.copyOf(byClass.keySet());
        if (!new HashSet<>(classes).equals(byClass.keySet())) {
            throw new ScoringException("output '" + outputs.primaryName() + "' gives probabilities for classes "
                    + byClass.keySet() + " but the descriptor's labels are " + classes);
        }
        double[] probabilities = new double[classes.size()];
        for (int i = 0; i < probabilities.length; i++) {
            probabilities[i] = byClass.get(classes.get(i));
        }
        return interpreterFor(classes).interpret(probabilities, label);
    }

    /** An interpreter whose labels are the classes of a probability map (a classifier unless the spec says else). */
    private OutputInterpreter interpreterFor(List<String> classes) {
        if (mapInterpreter == null || !classes.equals(mapClasses)) {
            OutputKind kind = outputSpec.getKind() == OutputKind.OUTPUT_KIND_AUTO
                    ? OutputKind.CLASSIFICATION
                    : outputSpec.getKind();
            mapInterpreter = new OutputInterpreter(outputSpec.toBuilder()
                    .clearLabels()
                    .addAllLabels(classes)
                    .setKind(kind)
                    .build());
            mapClasses = List.copyOf(classes);
        }
        return mapInterpreter;
    }

    private static OnnxValue output(OrtSession.Result result, String name) throws ScoringException {
        return result.get(name)
                .orElseThrow(() -> new ScoringException("ONNX Runtime returned no output '" + name + "'"));
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
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("could not close the ONNX Runtime session of model " + id, e);
        }
    }

    @Override
    public String toString() {
        return "OnnxModel{" + id + ", input=" + input.name() + ", output=" + outputs.primaryName() + "}";
    }
}
