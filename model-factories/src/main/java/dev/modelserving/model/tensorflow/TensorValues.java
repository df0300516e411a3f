package dev.modelserving.model.tensorflow;

import dev.modelserving.model.ScoringException;
import java.util.EnumSet;
import java.util.Set;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/** Conversions between Java arrays and the tensor types the TensorFlow models feed and fetch. */
final class TensorValues {

    /** Input tensor types records are converted to. */
    static final Set<DataType> INPUT_TYPES = EnumSet.of(DataType.DT_FLOAT, DataType.DT_DOUBLE);
    /** Output tensor types read as doubles. */
    static final Set<DataType> NUMERIC_OUTPUT_TYPES =
            EnumSet.of(DataType.DT_FLOAT, DataType.DT_DOUBLE, DataType.DT_INT32, DataType.DT_INT64);
    /** Label tensor types: a class index or a class name. */
    static final Set<DataType> LABEL_TYPES = EnumSet.of(DataType.DT_INT32, DataType.DT_INT64, DataType.DT_STRING);

    private TensorValues() {}

    /** A new tensor of {@code type} (FLOAT or DOUBLE) holding {@code values}; the caller closes it. */
    static Tensor input(DataType type, long[] shape, float[] values) {
        return switch (type) {
            case DT_FLOAT -> TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(values, true, false));
            case DT_DOUBLE -> {
                double[] widened = new double[values.length];
                for (int i = 0; i < values.length; i++) {
                    widened[i] = values[i];
                }
                yield TFloat64.tensorOf(Shape.of(shape), DataBuffers.of(widened, true, false));
            }
            default -> throw new IllegalArgumentException("input tensors of type " + type + " are not supported");
        };
    }

    /** Every value of a numeric tensor, row-major, as doubles. */
    static double[] toDoubles(Tensor tensor, String description) throws ScoringException {
        int size = size(tensor, description);
        double[] result = new double[size];
        switch (tensor.dataType()) {
            case DT_FLOAT -> {
                float[] values = new float[size];
                ((TFloat32) tensor).copyTo(DataBuffers.of(values, false, false));
                for (int i = 0; i < size; i++) {
                    result[i] = values[i];
                }
            }
            case DT_DOUBLE -> ((TFloat64) tensor).copyTo(DataBuffers.of(result, false, false));
            case DT_INT32 -> {
                int[] values = new int[size];
                ((TInt32) tensor).copyTo(DataBuffers.of(values, false, false));
                for (int i = 0; i < size; i++) {
                    result[i] = values[i];
                }
            }
            case DT_INT64 -> {
                long[] values = new long[size];
                ((TInt64) tensor).copyTo(DataBuffers.of(values, false, false));
                for (int i = 0; i < size; i++) {
                    result[i] = values[i];
                }
            }
            default ->
                throw new ScoringException("the " + description + " returned a " + tensor.dataType()
                        + " tensor; only float, double, int32 and int64 outputs are read");
        }
        return result;
    }

    /** The first element of a STRING tensor. */
    static String firstString(Tensor tensor, String description) throws ScoringException {
        size(tensor, description);
        return ((TString) tensor).getObject(firstIndex(tensor));
    }

    /** The first element of an INT32 or INT64 tensor. */
    static long firstInteger(Tensor tensor, String description) throws ScoringException {
        size(tensor, description);
        return switch (tensor.dataType()) {
            case DT_INT32 -> ((TInt32) tensor).getInt(firstIndex(tensor));
            case DT_INT64 -> ((TInt64) tensor).getLong(firstIndex(tensor));
            default ->
                throw new ScoringException("the " + description + " returned a " + tensor.dataType()
                        + " tensor; a label must be int32, int64 or string");
        };
    }

    /** The first element of row {@code row} (index along the batch dimension) of a STRING tensor. */
    static String stringAt(Tensor tensor, int row, String description) throws ScoringException {
        size(tensor, description);
        return ((TString) tensor).getObject(rowIndex(tensor, row));
    }

    /** The first element of row {@code row} (index along the batch dimension) of an INT32 or INT64 tensor. */
    static long integerAt(Tensor tensor, int row, String description) throws ScoringException {
        size(tensor, description);
        return switch (tensor.dataType()) {
            case DT_INT32 -> ((TInt32) tensor).getInt(rowIndex(tensor, row));
            case DT_INT64 -> ((TInt64) tensor).getLong(rowIndex(tensor, row));
            default ->
                throw new ScoringException("the " + description + " returned a " + tensor.dataType()
                        + " tensor; a label must be int32, int64 or string");
        };
    }

    private static long[] rowIndex(Tensor tensor, int row) {
        long[] index = new long[tensor.shape().numDimensions()];
        index[0] = row;
        return index;
    }

    private static long[] firstIndex(Tensor tensor) {
        return new long[tensor.shape().numDimensions()];
    }

    private static int size(Tensor tensor, String description) throws ScoringException {
        long size = tensor.shape().size();
        if (size < 1 || size > Integer.MAX_VALUE - 8) {
            throw new ScoringException("the " + description + " returned a tensor of shape " + tensor.shape());
        }
        return (int) size;
    }
}
