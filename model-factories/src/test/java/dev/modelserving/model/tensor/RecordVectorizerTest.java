package dev.modelserving.model.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordVectorizerTest {

    @Test
    void namedFeaturesInDeclaredOrder() throws Exception {
        RecordVectorizer v = new RecordVectorizer(
                InputSpec.newBuilder().addAllFeatureNames(List.of("b", "a")).build());
        InputVector in = v.vectorize(DataRecord.newBuilder()
                .putFeatures("a", 1)
                .putFeatures("b", 2)
                .putFeatures("unused", 9)
                .build());
        assertThat(in.values()).containsExactly(2f, 1f);
        assertThat(in.shape()).containsExactly(2L);
        assertThat(v.staticShape()).containsExactly(2L);
    }

    @Test
    void missingAndNonFiniteFeaturesAreRefusedByName() throws Exception {
        RecordVectorizer v =
                new RecordVectorizer(InputSpec.newBuilder().addFeatureNames("a").build());
        assertThatThrownBy(() -> v.vectorize(DataRecord.getDefaultInstance()))
                .hasMessageContaining("missing feature 'a'");
        assertThatThrownBy(() -> v.vectorize(
                        DataRecord.newBuilder().putFeatures("a", Double.NaN).build()))
                .hasMessageContaining("'a' is NaN");
        assertThatThrownBy(() -> v.vectorize(DataRecord.newBuilder()
                        .putFeatures("a", Double.POSITIVE_INFINITY)
                        .build()))
                .hasMessageContaining("Infinity");
    }

    @Test
    void packedVectorTakesRecordOrDeclaredShape() throws Exception {
        DataRecord.Builder r = DataRecord.newBuilder().addAllVector(List.of(1f, 2f, 3f, 4f, 5f, 6f));
        assertThat(new RecordVectorizer(InputSpec.getDefaultInstance())
                        .vectorize(r.build())
                        .shape())
                .containsExactly(6L);
        assertThat(new RecordVectorizer(InputSpec.getDefaultInstance())
                        .vectorize(r.clone().addAllVectorShape(List.of(2L, 3L)).build())
                        .shape())
                .containsExactly(2L, 3L);
        RecordVectorizer declared = new RecordVectorizer(
                InputSpec.newBuilder().addAllShape(List.of(-1L, 2L)).build());
        assertThat(declared.vectorize(r.build()).shape()).containsExactly(3L, 2L);
    }

    @Test
    void shapeMismatchesAreRefused() {
        DataRecord six = DataRecord.newBuilder()
                .addAllVector(List.of(1f, 2f, 3f, 4f, 5f, 6f))
                .build();
        assertThatThrownBy(() -> new RecordVectorizer(
                                InputSpec.newBuilder().addAllShape(List.of(4L)).build())
                        .vectorize(six))
                .hasMessageContaining("6 values do not fit the input shape [4]");
        assertThatThrownBy(() -> new RecordVectorizer(InputSpec.newBuilder()
                                .addAllShape(List.of(3L, 2L))
                                .build())
                        .vectorize(six.toBuilder()
                                .addAllVectorShape(List.of(2L, 3L))
                                .build()))
                .hasMessageContaining("record shape [2, 3] does not match");
        assertThatThrownBy(() ->
                        new RecordVectorizer(InputSpec.getDefaultInstance()).vectorize(DataRecord.getDefaultInstance()))
                .hasMessageContaining("no vector");
        assertThatThrownBy(() -> new RecordVectorizer(InputSpec.getDefaultInstance())
                        .vectorize(DataRecord.newBuilder().addVector(Float.NaN).build()))
                .hasMessageContaining("vector[0] is NaN");
    }

    private static final long MAX = Long.MAX_VALUE;

    private static DataRecord vector(int values, long... shape) {
        DataRecord.Builder r = DataRecord.newBuilder().setId("hostile");
        for (int i = 0; i < values; i++) {
            r.addVector(i);
        }
        for (long d : shape) {
            r.addVectorShape(d);
        }
        return r.build();
    }

    @Test
    void hostileRecordShapesAreRefusedWithoutOverflow() throws Exception {
        RecordVectorizer v = new RecordVectorizer(InputSpec.getDefaultInstance());
        // (2^63-1)^2 wraps to 1 in long arithmetic: the old check accepted one value with this shape.
        assertThatThrownBy(() -> v.vectorize(vector(1, MAX, MAX)))
                .isInstanceOf(ScoringException.class)
                .hasMessageContaining("[9223372036854775807, 9223372036854775807] has more than 4194304 elements");
        // 2^32 * 2^32 wraps to 0; 3 * 6148914691236517206 = 2^64 + 2 wraps to 2, the vector's length.
        assertThatThrownBy(() -> v.vectorize(vector(1, 1L << 32, 1L << 32))).hasMessageContaining("more than");
        assertThatThrownBy(() -> v.vectorize(vector(2, 3, 6148914691236517206L)))
                .hasMessageContaining("overflows");
        assertThatThrownBy(() -> v.vectorize(vector(1, new long[50]))).hasMessageContaining("rank 50");
        assertThatThrownBy(() -> v.vectorize(vector(1, 0))).hasMessageContaining("dimension 0 = 0");
        assertThatThrownBy(() -> v.vectorize(vector(2, -1, -2))).hasMessageContaining("dimension 0 = -1");
        assertThatThrownBy(() -> v.vectorize(vector(4, 2, 3)))
                .hasMessageContaining("has 6 elements but the vector has 4");
        assertThatThrownBy(() -> v.vectorize(vector(1, 4096, 4096))).hasMessageContaining("the limit per record");
        assertThat(v.vectorize(vector(6, 2, 3)).shape()).containsExactly(2L, 3L);
    }

    @Test
    void theCapOnValuesPerRecordComesFromThePolicy() throws Exception {
        RecordVectorizer small = new RecordVectorizer(InputSpec.getDefaultInstance(), 4);
        assertThatThrownBy(() -> small.vectorize(vector(5))).hasMessageContaining("more than the 4");
        assertThat(small.vectorize(vector(4, 2, 2)).values()).hasSize(4);
        assertThatThrownBy(() -> new RecordVectorizer(
                        InputSpec.newBuilder()
                                .addAllFeatureNames(List.of("a", "b", "c"))
                                .build(),
                        2))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("3 names");
    }

    @Test
    void unusableDeclaredShapesAreRefusedAtLoad() {
        for (List<Long> shape : List.of(
                List.of(0L, 3L),
                List.of(-2L),
                List.of(-1L, -1L),
                List.of(MAX, MAX),
                List.of(1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L, 1L))) {
            assertThatThrownBy(() -> new RecordVectorizer(
                            InputSpec.newBuilder().addAllShape(shape).build()))
                    .isInstanceOf(ModelLoadException.class)
                    .satisfies(
                            e -> assertThat(((ModelLoadException) e).problem()).isEqualTo(ModelProblem.SPEC_MISMATCH));
        }
    }
}
