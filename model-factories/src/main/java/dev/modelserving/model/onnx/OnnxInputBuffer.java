package dev.modelserving.model.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.modelserving.model.LoadPolicy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * The one direct, native-order buffer a model feeds ONNX Runtime from, reused for every record: ORT wraps a direct
 * buffer without copying it, whereas a heap buffer costs a fresh direct copy per call. It is allocated once for the
 * input's size and grows only when a record needs more (inputs whose size only records tell). Not thread-safe: a
 * tensor made from it must be closed before the next record is written.
 */
final class OnnxInputBuffer {

    private final OnnxJavaType type;
    private FloatBuffer floats;
    private DoubleBuffer doubles;

    /**
     * @param type FLOAT or DOUBLE
     * @param capacity elements to allocate up front
     */
    OnnxInputBuffer(OnnxJavaType type, int capacity) {
        if (type != OnnxJavaType.FLOAT && type != OnnxJavaType.DOUBLE) {
            throw new IllegalArgumentException("unsupported input element type " + type);
        }
        this.type = type;
        allocate(Math.max(1, capacity));
    }

    private void allocate(int capacity) {
        if (type == OnnxJavaType.FLOAT) {
            floats = ByteBuffer.allocateDirect(capacity * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
        } else {
            doubles = ByteBuffer.allocateDirect(capacity * Double.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asDoubleBuffer();
        }
    }

    private int capacity() {
        return type == OnnxJavaType.FLOAT ? floats.capacity() : doubles.capacity();
    }

    /** Writes the values (converted to double for a DOUBLE input) and wraps them in a tensor of the given shape. */
    OnnxTensor tensor(OrtEnvironment env, float[] values, long[] shape) throws OrtException {
        ensureCapacity(values.length);
        if (type == OnnxJavaType.FLOAT) {
            floats.clear();
            floats.put(values);
            floats.flip();
            return OnnxTensor.createTensor(env, floats, shape);
        }
        doubles.clear();
        for (float value : values) {
            doubles.put(value);
        }
        doubles.flip();
        return OnnxTensor.createTensor(env, doubles, shape);
    }

    /** Writes double values into a DOUBLE buffer (full precision) and wraps them in a tensor of the given shape. */
    OnnxTensor tensor(OrtEnvironment env, double[] values, long[] shape) throws OrtException {
        if (type != OnnxJavaType.DOUBLE) {
            throw new IllegalStateException("the input is " + type + ", not DOUBLE");
        }
        ensureCapacity(values.length);
        doubles.clear();
        doubles.put(values);
        doubles.flip();
        return OnnxTensor.createTensor(env, doubles, shape);
    }

    private void ensureCapacity(int length) {
        if (length > capacity()) {
            long grown = Math.min((long) capacity() * 2, LoadPolicy.MAX_INPUT_ELEMENTS_LIMIT);
            allocate((int) Math.max(length, grown));
        }
    }
}
