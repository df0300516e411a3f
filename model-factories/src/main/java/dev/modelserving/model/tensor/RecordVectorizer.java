package dev.modelserving.model.tensor;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import java.util.List;
import java.util.Map;

/**
 * Turns records into model inputs for tensor models (TF, ONNX): the features named by the input spec, in order, or
 * else the record's packed vector with its declared shape. Missing and non-finite values are refused, never
 * guessed.
 *
 * <p>Shapes are hostile input: a record's {@code vector_shape} must have at most {@link TensorShapes#MAX_RANK}
 * dimensions, each at least 1, whose product (computed without overflow) is the vector's length and at most the
 * policy's {@link LoadPolicy#maxInputElements()}; the descriptor's declared shape is checked the same way when the
 * model loads.
 */
public final class RecordVectorizer {

    private final String[] featureNames;
    private final long[] declaredShape;
    private final long maxElements;

    /** A vectorizer with the default cap on values per record. */
    public RecordVectorizer(InputSpec spec) throws ModelLoadException {
        this(spec, LoadPolicy.DEFAULT_MAX_INPUT_ELEMENTS);
    }

    /**
     * @param maxElements most values one record may feed
     * @throws ModelLoadException {@link ModelProblem#SPEC_MISMATCH} when the declared shape is not usable: rank above
     *     {@link TensorShapes#MAX_RANK}, a dimension that is 0 or below -1, more than one -1, more fixed elements
     *     than {@code maxElements}, or more named features than {@code maxElements}
     */
    public RecordVectorizer(InputSpec spec, long maxElements) throws ModelLoadException {
        this.featureNames = spec.getFeatureNamesList().toArray(new String[0]);
        this.declaredShape =
                spec.getShapeList().stream().mapToLong(Long::longValue).toArray();
        this.maxElements = maxElements;
        checkDeclaredShape();
        if (featureNames.length > maxElements) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "input.feature_names has " + featureNames.length + " names, more than the " + maxElements
                            + " values a record may feed");
        }
    }

    private void checkDeclaredShape() throws ModelLoadException {
        if (declaredShape.length > TensorShapes.MAX_RANK) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "input.shape has rank " + declaredShape.length + "; at most " + TensorShapes.MAX_RANK
                            + " dimensions are accepted");
        }
        long fixed = 1;
        int wildcards = 0;
        for (long d : declaredShape) {
            if (d == -1) {
                wildcards++;
                continue;
            }
            if (d < 1) {
                throw new ModelLoadException(
                        ModelProblem.SPEC_MISMATCH,
                        "input.shape "
                                + TensorShapes.describe(declaredShape) + " has a dimension " + d
                                + "; dimensions are at least 1, or -1 for the one the record's length decides");
            }
            fixed = d > maxElements ? maxElements + 1 : Math.min(maxElements + 1, fixed * d);
        }
        if (wildcards > 1) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "input.shape " + TensorShapes.describe(declaredShape) + " has " + wildcards
                            + " dimensions of -1; at most one");
        }
        if (fixed > maxElements) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "input.shape "
                            + TensorShapes.describe(declaredShape) + " needs more than " + maxElements
                            + " values per record, the limit");
        }
    }

    /** Whether inputs come from named features (true) or the packed vector (false). */
    public boolean usesNamedFeatures() {
        return featureNames.length > 0;
    }

    /** The feature names in input order (empty for packed vectors). */
    public List<String> featureNames() {
        return List.of(featureNames);
    }

    /** The most values one record may feed. */
    public long maxElements() {
        return maxElements;
    }

    /**
     * The per-record shape known before any record is seen: the declared shape, or [number of named features];
     * empty when it depends on the records.
     */
    public long[] staticShape() {
        if (declaredShape.length > 0) {
            return declaredShape.clone();
        }
        return featureNames.length > 0 ? new long[] {featureNames.length} : new long[0];
    }

    public InputVector vectorize(DataRecord record) throws ScoringException {
        return featureNames.length > 0 ? fromFeatures(record) : fromPackedVector(record);
    }

    private InputVector fromFeatures(DataRecord record) throws ScoringException {
        Map<String, Double> features = record.getFeaturesMap();
        float[] values = new float[featureNames.length];
        for (int i = 0; i < featureNames.length; i++) {
            Double value = features.get(featureNames[i]);
            if (value == null) {
                throw new ScoringException("missing feature '" + featureNames[i] + "'");
            }
            if (!Double.isFinite(value)) {
                throw new ScoringException("feature '" + featureNames[i] + "' is " + value);
            }
            values[i] = value.floatValue();
        }
        long[] shape = declaredShape.length > 0 ? fitDeclared(values.length) : new long[] {values.length};
        return new InputVector(values, shape);
    }

    private InputVector fromPackedVector(DataRecord record) throws ScoringException {
        int n = record.getVectorCount();
        if (n == 0) {
            throw new ScoringException("record has no vector and the model names no features");
        }
        if (n > maxElements) {
            throw new ScoringException(
                    "record vector has " + n + " values, more than the " + maxElements + " a record may feed");
        }
        long[] shape = packedShape(record, n);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            float v = record.getVector(i);
            if (!Float.isFinite(v)) {
                throw new ScoringException("vector[" + i + "] is " + v);
            }
            values[i] = v;
        }
        return new InputVector(values, shape);
    }

    /** The concrete shape of a packed vector of {@code n} values: the record's, checked, or the declared one. */
    private long[] packedShape(DataRecord record, int n) throws ScoringException {
        int rank = record.getVectorShapeCount();
        if (rank == 0) {
            return declaredShape.length > 0 ? fitDeclared(n) : new long[] {n};
        }
        if (rank > TensorShapes.MAX_RANK) {
            throw new ScoringException("record vector_shape has rank " + rank + "; at most " + TensorShapes.MAX_RANK
                    + " dimensions are accepted");
        }
        long[] recordShape =
                record.getVectorShapeList().stream().mapToLong(Long::longValue).toArray();
        long elements = TensorShapes.elements(recordShape, TensorShapes.MAX_RANK, maxElements, "record vector_shape");
        if (elements != n) {
            throw new ScoringException("record vector_shape " + TensorShapes.describe(recordShape) + " has " + elements
                    + " elements but the vector has " + n + " values");
        }
        if (declaredShape.length > 0 && !compatible(declaredShape, recordShape)) {
            throw new ScoringException("record shape " + TensorShapes.describe(recordShape)
                    + " does not match the model's input shape " + TensorShapes.describe(declaredShape));
        }
        return recordShape;
    }

    private static boolean compatible(long[] declared, long[] actual) {
        if (declared.length != actual.length) {
            return false;
        }
        for (int i = 0; i < declared.length; i++) {
            if (declared[i] >= 0 && declared[i] != actual[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The declared shape with its -1 dimension (if any) set so that it holds {@code length} values. The constructor
     * has checked the fixed dimensions: their product is positive and at most {@code maxElements}.
     */
    private long[] fitDeclared(int length) throws ScoringException {
        long known = 1;
        int wildcard = -1;
        for (int i = 0; i < declaredShape.length; i++) {
            if (declaredShape[i] < 0) {
                wildcard = i;
            } else {
                known *= declaredShape[i];
            }
        }
        boolean fits = wildcard < 0 ? known == length : length % known == 0 && length / known >= 1;
        if (!fits) {
            throw new ScoringException(
                    length + " values do not fit the input shape " + TensorShapes.describe(declaredShape));
        }
        long[] resolved = declaredShape.clone();
        if (wildcard >= 0) {
            resolved[wildcard] = length / known;
        }
        return resolved;
    }
}
