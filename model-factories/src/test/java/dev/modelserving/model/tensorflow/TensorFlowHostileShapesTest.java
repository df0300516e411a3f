package dev.modelserving.model.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ScoringException;
import dev.modelserving.model.tensor.HostileShapes;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * Records with hostile shapes against real TensorFlow graphs whose input accepts any shape. Before the shape checks,
 * {@code [2^63-1, 2^63-1]} passed (its product wraps to 1) and TensorFlow's native TensorShape aborted the JVM: this
 * test running to its end, then scoring a normal record exactly, is the proof that it no longer does.
 */
class TensorFlowHostileShapesTest {

    private static Model load(Shape placeholderShape) throws Exception {
        byte[] graph = TfTestModels.frozenGraph(TFloat32.class, placeholderShape);
        ModelDescriptor descriptor = TfDescriptors.descriptor(ModelType.TENSORFLOW_GRAPH, graph)
                .setInput(InputSpec.newBuilder().setTensorName(TfTestModels.INPUT))
                .setOutput(TfDescriptors.regressor(TfTestModels.SCORE))
                .build();
        return new TensorFlowGraphFactory().create(descriptor, ModelArtifact.ofBytes(graph), LoadPolicy.defaults());
    }

    @Test
    void hostileShapesFailTheRecordBeforeTensorFlowSeesThemAndTheModelKeepsScoring() throws Exception {
        for (Shape placeholder : new Shape[] {Shape.unknown(), Shape.of(-1, -1)}) {
            try (Model model = load(placeholder)) {
                for (HostileShapes.Case hostile : HostileShapes.all()) {
                    assertThatThrownBy(() -> model.score(hostile.record()))
                            .as(hostile + " on placeholder " + placeholder)
                            .isInstanceOf(ScoringException.class)
                            .hasMessageContaining("vector_shape");
                }
                double[] x = {1.5, -0.25, 2.0};
                assertThat(model.score(TfDescriptors.vectorRecord(x)).outputs()[0])
                        .isCloseTo(TfTestModels.score(x), within(1e-5));
            }
        }
    }

    @Test
    void nanAndInfiniteFeaturesFailTheRecordByName() throws Exception {
        byte[] graph = TfTestModels.frozenGraph();
        ModelDescriptor descriptor = TfDescriptors.descriptor(ModelType.TENSORFLOW_GRAPH, graph)
                .setOutput(TfDescriptors.regressor(TfTestModels.SCORE))
                .build();
        try (Model model =
                new TensorFlowGraphFactory().create(descriptor, ModelArtifact.ofBytes(graph), LoadPolicy.defaults())) {
            assertThatThrownBy(() -> model.score(TfDescriptors.record(new double[] {1, Double.NaN, 2})))
                    .isInstanceOf(ScoringException.class)
                    .hasMessage("feature 'fan_rpm' is NaN");
            assertThatThrownBy(() -> model.score(TfDescriptors.record(new double[] {Double.NEGATIVE_INFINITY, 1, 2})))
                    .isInstanceOf(ScoringException.class)
                    .hasMessage("feature 'temperature_c' is -Infinity");
            assertThatThrownBy(() -> model.score(TfDescriptors.vectorRecord(new double[] {1, 2, 3})))
                    .isInstanceOf(ScoringException.class)
                    .hasMessageContaining("missing feature");
            double[] x = {0.5, 1.0, -2.0};
            assertThat(model.score(TfDescriptors.record(x)).outputs()[0])
                    .isCloseTo(TfTestModels.score(x), within(1e-5));
        }
    }

    @Test
    void theCapOnValuesPerRecordComesFromThePolicy() throws Exception {
        byte[] graph = TfTestModels.frozenGraph(TFloat32.class, Shape.unknown());
        ModelDescriptor descriptor = TfDescriptors.descriptor(ModelType.TENSORFLOW_GRAPH, graph)
                .setInput(InputSpec.newBuilder().setTensorName(TfTestModels.INPUT))
                .setOutput(TfDescriptors.regressor(TfTestModels.SCORE))
                .build();
        try (Model model = new TensorFlowGraphFactory()
                .create(
                        descriptor,
                        ModelArtifact.ofBytes(graph),
                        LoadPolicy.defaults().withMaxInputElements(5))) {
            assertThatThrownBy(() -> model.score(HostileShapes.vector(6, 2, 3)))
                    .isInstanceOf(ScoringException.class)
                    .hasMessageContaining("more than the 5");
            assertThat(model.score(HostileShapes.vector(3, 1, 3)).outputs()).hasSize(1);
        }
    }
}
