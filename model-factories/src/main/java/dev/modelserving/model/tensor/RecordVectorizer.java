package dev.modelserving.model.tensor;

import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Turns records into model inputs for tensor models (TF, ONNX): the features named by the input spec, in order, or
 * else the record's packed vector with its declared shape. Missing and non-finite values are refused, never
 * guessed.
 */
public final class RecordVectorizer {

    private final String[] featureNames;
    private final long[] declaredShape;

    public RecordVectorizer(InputSpec spec) {
        this.featureNames = spec.getFeatureNamesList().toArray(new String[0]);
        this.declaredShape = spec.getShapeList().stream().mapToLong(Long::longValue).toArray();
    }

    /** Whether inputs come from named features (true) or the packed vector (false). */
    public boolean usesNamedFeatures() {
        return featureNames.length > 0;
    }

    /** The feature names in input order (empty for packed vectors). */
    public List<String> featureNames() {
        return List.of(featureNames);
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
        long[] shape = declaredShape.length > 0 ? declaredShape : new long[] {values.length};
        checkShape(shape, values.length);
        return new InputVector(values, resolveWildcard(shape, values.length));
    }

    private InputVector fromPackedVector(DataRecord record) throws ScoringException {
        int n = record.getVectorCount();
        if (n == 0) {
            throw new ScoringException("record has no vector and the model names no features");
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            float v = record.getVector(i);
            if (!Float.isFinite(v)) {
                throw new ScoringException("vector[" + i + "] is " + v);
            }
            values[i] = v;
        }
        long[] recordShape = record.getVectorShapeList().stream().mapToLong(Long::longValue).toArray();
        long[] shape;
        if (declaredShape.length > 0) {
            if (recordShape.length > 0 && !compatible(declaredShape, recordShape)) {
                throw new ScoringException("record shape " + Arrays.toString(recordShape)
                        + " does not match the model's input shape " + Arrays.toString(declaredShape));
            }
            shape = declaredShape;
        } else {
            shape = recordShape.length > 0 ? recordShape : new long[] {n};
        }
        checkShape(shape, n);
        return new InputVector(values, resolveWildcard(shape, n));
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

    private static void checkShape(long[] shape, int length) throws ScoringException {
        long product = 1;
        int wildcards = 0;
        for (long d : shape) {
            if (d < 0) {
                wildcards++;
            } else {
                product *= d;
            }
        }
        boolean fits = wildcards == 0 ? product == length : wildcards == 1 && product > 0 && length % product == 0;
        if (!fits) {
            throw new ScoringException(length + " values do not fit the input shape " + Arrays.toString(shape));
        }
    }

    private static long[] resolveWildcard(long[] shape, int length) {
        long known = 1;
        for (long d : shape) {
            if (d >= 0) {
                known *= d;
            }
        }
        long[] resolved = shape.clone();
        for (int i = 0; i < resolved.length; i++) {
            if (resolved[i] < 0) {
                resolved[i] = length / known;
            }
        }
        return resolved;
    }
}
