package dev.modelserving.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

/** The reused input buffer is handed to ONNX Runtime without a copy, call after call. */
class OnnxInputBufferTest {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    @Test
    void tensorsShareTheOneDirectBufferInsteadOfCopyingIt() throws Exception {
        OnnxInputBuffer buffer = new OnnxInputBuffer(OnnxJavaType.FLOAT, 3);
        try (OnnxTensor first = buffer.tensor(env, new float[] {1f, 2f, 3f}, new long[] {1, 3})) {
            assertThat(first.ownsBuffer()).isFalse();
            assertThat(first.getBufferRef().orElseThrow().isDirect()).isTrue();
            assertThat(first.getFloatBuffer().array()).containsExactly(1f, 2f, 3f);
            // Writing the next record rewrites the memory the first tensor reads: ORT wrapped it, no copy was made.
            try (OnnxTensor second = buffer.tensor(env, new float[] {4f, 5f, 6f}, new long[] {1, 3})) {
                assertThat(second.getFloatBuffer().array()).containsExactly(4f, 5f, 6f);
                assertThat(first.getFloatBuffer().array()).containsExactly(4f, 5f, 6f);
            }
        }
    }

    @Test
    void growsForALargerRecordAndConvertsForADoubleInput() throws Exception {
        OnnxInputBuffer floats = new OnnxInputBuffer(OnnxJavaType.FLOAT, 2);
        try (OnnxTensor tensor = floats.tensor(env, new float[] {1f, 2f, 3f, 4f}, new long[] {1, 4})) {
            FloatBuffer values = tensor.getFloatBuffer();
            assertThat(values.array()).containsExactly(1f, 2f, 3f, 4f);
        }
        OnnxInputBuffer doubles = new OnnxInputBuffer(OnnxJavaType.DOUBLE, 2);
        try (OnnxTensor tensor = doubles.tensor(env, new float[] {0.5f, -1.5f}, new long[] {2})) {
            assertThat(tensor.ownsBuffer()).isFalse();
            assertThat(tensor.getInfo().type).isEqualTo(OnnxJavaType.DOUBLE);
            assertThat(tensor.getDoubleBuffer().array()).containsExactly(0.5, -1.5);
        }
    }
}
