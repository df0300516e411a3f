package dev.modelserving.model.onnx;

import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.modelserving.model.ScoringException;
import java.lang.reflect.Array;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads one record's values out of ONNX Runtime outputs: numbers, a label, or class probabilities. */
final class OnnxOutputReader {

    private OnnxOutputReader() {}

    /** Every element of a FLOAT, DOUBLE, INT64 or INT32 tensor, as doubles, row-major. */
    static double[] numbers(OnnxValue value, String name) throws ScoringException {
        OnnxTensor tensor = tensor(value, name);
        TensorInfo info = tensor.getInfo();
        switch (info.type) {
            case FLOAT -> {
                FloatBuffer buffer = tensor.getFloatBuffer();
                double[] values = new double[buffer.remaining()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = buffer.get(i);
                }
                return values;
            }
            case DOUBLE -> {
                DoubleBuffer buffer = tensor.getDoubleBuffer();
                double[] values = new double[buffer.remaining()];
                buffer.get(values);
                return values;
            }
            case INT64 -> {
                LongBuffer buffer = tensor.getLongBuffer();
                double[] values = new double[buffer.remaining()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = buffer.get(i);
                }
                return values;
            }
            case INT32 -> {
                IntBuffer buffer = tensor.getIntBuffer();
                double[] values = new double[buffer.remaining()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = buffer.get(i);
                }
                return values;
            }
            default ->
                throw new ScoringException("output '" + name + "' has element type " + info.type
                        + "; expected FLOAT, DOUBLE, INT64 or INT32");
        }
    }

    /** The number of rows (first dimension) of a tensor output, or -1 when it is not a tensor of rank 1 or more. */
    static long rows(OnnxValue value) {
        if (value instanceof OnnxTensor tensor) {
            long[] shape = tensor.getInfo().getShape();
            return shape.length >= 1 ? shape[0] : -1;
        }
        return -1;
    }

    /** The first element of row {@code row} of an INT64, INT32 or STRING tensor with {@code rows} rows, as text. */
    static String labelAt(OnnxValue value, String name, int row, int rows) throws ScoringException {
        OnnxTensor tensor = tensor(value, name);
        TensorInfo info = tensor.getInfo();
        long stride = info.getNumElements() / rows;
        if (stride < 1) {
            throw new ScoringException("label output '" + name + "' is empty");
        }
        try {
            return switch (info.type) {
                case INT64 -> Long.toString(tensor.getLongBuffer().get((int) (row * stride)));
                case INT32 -> Integer.toString(tensor.getIntBuffer().get((int) (row * stride)));
                case STRING -> {
                    Object all = tensor.getValue();
                    if (!all.getClass().isArray() || Array.getLength(all) != rows) {
                        throw new ScoringException("label output '" + name + "' does not have " + rows + " rows");
                    }
                    yield String.valueOf(firstElement(Array.get(all, row)));
                }
                default ->
                    throw new ScoringException("label output '" + name + "' has element type " + info.type
                            + "; expected INT64, INT32 or STRING");
            };
        } catch (OrtException e) {
            throw new ScoringException("could not read label output '" + name + "': " + e.getMessage(), e);
        }
    }

    /** The first element of an INT64, INT32 or STRING tensor, as text. */
    static String label(OnnxValue value, String name) throws ScoringException {
        OnnxTensor tensor = tensor(value, name);
        TensorInfo info = tensor.getInfo();
        if (info.getNumElements() < 1) {
            throw new ScoringException("label output '" + name + "' is empty");
        }
        try {
            return switch (info.type) {
                case INT64 -> Long.toString(tensor.getLongBuffer().get(0));
                case INT32 -> Integer.toString(tensor.getIntBuffer().get(0));
                case STRING -> String.valueOf(firstElement(tensor.getValue()));
                default ->
                    throw new ScoringException("label output '" + name + "' has element type " + info.type
                            + "; expected INT64, INT32 or STRING");
            };
        } catch (OrtException e) {
            throw new ScoringException("could not read label output '" + name + "': " + e.getMessage(), e);
        }
    }

    /**
     * The first map of a sequence of maps (class → probability), ordered by class: numerically for integer
     * classes, alphabetically for string classes. Every map read is closed.
     */
    static LinkedHashMap<String, Double> probabilityMap(OnnxValue value, String name) throws ScoringException {
        if (!(value instanceof OnnxSequence sequence)) {
            throw new ScoringException("output '" + name + "' is " + value.getType() + ", not a sequence of maps");
        }
        List<? extends OnnxValue> elements;
        try {
            elements = sequence.getValue();
        } catch (OrtException e) {
            throw new ScoringException("could not read output '" + name + "': " + e.getMessage(), e);
        }
        try {
            if (elements.isEmpty()) {
                throw new ScoringException("output '" + name + "' is an empty sequence");
            }
            if (!(elements.get(0) instanceof OnnxMap map)) {
                throw new ScoringException("output '" + name + "' is a sequence of "
                        + elements.get(0).getType() + ", not of maps");
            }
            return ordered(map.getValue(), name);
        } catch (OrtException e) {
            throw new ScoringException("could not read output '" + name + "': " + e.getMessage(), e);
        } finally {
            OnnxValue.close(elements);
        }
    }

    private static LinkedHashMap<String, Double> ordered(Map<?, ?> map, String name) throws ScoringException {
        List<Object> keys = new ArrayList<>(map.keySet());
        if (keys.stream().allMatch(k -> k instanceof Long)) {
            keys.sort((a, b) -> Long.compare((Long) a, (Long) b));
        } else {
            keys.sort((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
        }
        LinkedHashMap<String, Double> byClass = new LinkedHashMap<>();
        for (Object key : keys) {
            Object probability = map.get(key);
            if (!(probability instanceof Number number)) {
                throw new ScoringException(
                        "output '" + name + "' maps class " + key + " to " + probability + ", not a number");
            }
            byClass.put(String.valueOf(key), number.doubleValue());
        }
        return byClass;
    }

    private static OnnxTensor tensor(OnnxValue value, String name) throws ScoringException {
        if (value instanceof OnnxTensor tensor) {
            return tensor;
        }
        throw new ScoringException("output '" + name + "' is " + value.getType() + ", not a tensor");
    }

    /** The first scalar of a value that is a scalar or a (nested) array. */
    private static Object firstElement(Object value) throws ScoringException {
        Object current = value;
        while (current != null && current.getClass().isArray()) {
            if (Array.getLength(current) == 0) {
                throw new ScoringException("label output is empty");
            }
            current = Array.get(current, 0);
        }
        return current;
    }
}
