package dev.modelserving.model.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordVectorizerTest {

    @Test
    void namedFeaturesInDeclaredOrder() throws Exception {
        RecordVectorizer v = new RecordVectorizer(InputSpec.newBuilder().addAllFeatureNames(List.of("b", "a")).build());
        InputVector in = v.vectorize(DataRecord.newBuilder().putFeatures("a", 1).putFeatures("b", 2)
                .putFeatures("unused", 9).build());
        assertThat(in.values()).containsExactly(2f, 1f);
        assertThat(in.shape()).containsExactly(2L);
        assertThat(v.staticShape()).containsExactly(2L);
    }

    @Test
    void missingAndNonFiniteFeaturesAreRefusedByName() {
        RecordVectorizer v = new RecordVectorizer(InputSpec.newBuilder().addFeatureNames("a").build());
        assertThatThrownBy(() -> v.vectorize(DataRecord.getDefaultInstance())).hasMessageContaining("missing feature 'a'");
        assertThatThrownBy(() -> v.vectorize(DataRecord.newBuilder().putFeatures("a", Double.NaN).build()))
                .hasMessageContaining("'a' is NaN");
        assertThatThrownBy(() -> v.vectorize(DataRecord.newBuilder().putFeatures("a", Double.POSITIVE_INFINITY).build()))
                .hasMessageContaining("Infinity");
    }

    @Test
    void packedVectorTakesRecordOrDeclaredShape() throws Exception {
        DataRecord.Builder r = DataRecord.newBuilder().addAllVector(List.of(1f, 2f, 3f, 4f, 5f, 6f));
        assertThat(new RecordVectorizer(InputSpec.getDefaultInstance()).vectorize(r.build()).shape()).containsExactly(6L);
        assertThat(new RecordVectorizer(InputSpec.getDefaultInstance())
                .vectorize(r.clone().addAllVectorShape(List.of(2L, 3L)).build()).shape()).containsExactly(2L, 3L);
        RecordVectorizer declared = new RecordVectorizer(InputSpec.newBuilder().addAllShape(List.of(-1L, 2L)).build());
        assertThat(declared.vectorize(r.build()).shape()).containsExactly(3L, 2L);
    }

    @Test
    void shapeMismatchesAreRefused() {
        DataRecord six = DataRecord.newBuilder().addAllVector(List.of(1f, 2f, 3f, 4f, 5f, 6f)).build();
        assertThatThrownBy(() -> new RecordVectorizer(InputSpec.newBuilder().addAllShape(List.of(4L)).build())
                .vectorize(six)).hasMessageContaining("6 values do not fit the input shape [4]");
        assertThatThrownBy(() -> new RecordVectorizer(InputSpec.newBuilder().addAllShape(List.of(3L, 2L)).build())
                .vectorize(six.toBuilder().addAllVectorShape(List.of(2L, 3L)).build()))
                .hasMessageContaining("record shape [2, 3] does not match");
        assertThatThrownBy(() -> new RecordVectorizer(InputSpec.getDefaultInstance())
                .vectorize(DataRecord.getDefaultInstance())).hasMessageContaining("no vector");
        assertThatThrownBy(() -> new RecordVectorizer(InputSpec.getDefaultInstance())
                .vectorize(DataRecord.newBuilder().addVector(Float.NaN).build())).hasMessageContaining("vector[0] is NaN");
    }
}
