package dev.modelserving.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.Model;
import dev.modelserving.model.ScoringException;
import dev.modelserving.model.tensor.HostileShapes;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import org.junit.jupiter.api.Test;

/**
 * Records with hostile shapes against a real ONNX model whose input dimensions are all symbolic: every one fails the
 * record with a {@link ScoringException} before an OnnxTensor is created, and the model then scores a normal record
 * exactly.
 */
class OnnxHostileShapesTest {

    @Test
    void hostileShapesFailTheRecordAndTheModelKeepsScoring() throws Exception {
        try (Model model = OnnxModelFactoryTest.create(OnnxModelFactoryTest.descriptor(
                OnnxTestModels.dynamicSum(),
                InputSpec.newBuilder(),
                OutputSpec.newBuilder().setKind(OutputKind.REGRESSION)))) {
            assertThat(model.score(HostileShapes.vector(6, 2, 3)).outputs()).containsExactly(21.0);
            for (HostileShapes.Case hostile : HostileShapes.all()) {
                assertThatThrownBy(() -> model.score(hostile.record()))
                        .as(hostile.name())
                        .isInstanceOf(ScoringException.class)
                        .hasMessageContaining("vector_shape");
            }
            assertThat(model.score(HostileShapes.vector(4, 1, 4)).outputs()[0]).isCloseTo(10.0, within(1e-6));
            assertThat(model.score(HostileShapes.vector(12, 3, 4)).outputs()).containsExactly(78.0);
        }
    }

    @Test
    void nanFeatureFailsTheRecordByName() throws Exception {
        try (Model model = OnnxModelFactoryTest.create(OnnxModelFactoryTest.descriptor(
                OnnxTestModels.regressor(),
                InputSpec.newBuilder().addAllFeatureNames(OnnxTestModels.FEATURES),
                OutputSpec.newBuilder().setKind(OutputKind.REGRESSION)))) {
            assertThatThrownBy(() -> model.score(OnnxTestModels.record(1, Double.NaN, 2)))
                    .isInstanceOf(ScoringException.class)
                    .hasMessage("feature 'x2' is NaN");
            double[] x = {1, 2, 3};
            assertThat(model.score(OnnxTestModels.record(x)).outputs()[0])
                    .isCloseTo(OnnxTestModels.regressorScore(x), within(1e-5));
        }
    }
}
