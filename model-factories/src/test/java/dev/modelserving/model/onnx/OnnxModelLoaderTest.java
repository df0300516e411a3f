package dev.modelserving.model.onnx;

import static dev.modelserving.model.onnx.OnnxTestModels.CLASS_LABELS;
import static dev.modelserving.model.onnx.OnnxTestModels.SAMPLE_ROWS;
import static dev.modelserving.model.onnx.OnnxTestModels.classifierArgmax;
import static dev.modelserving.model.onnx.OnnxTestModels.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.proto.ModelDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ONNX descriptors through the whole load path: descriptor checks, artifact, factory, validation samples. */
class OnnxModelLoaderTest {

    private final ModelLoader loader =
            new ModelLoader(ModelFactories.of(List.of(new OnnxModelFactory())), LoadPolicy.defaults());

    @Test
    void classifierReproducesItsValidationSamples() throws Exception {
        ModelDescriptor descriptor = OnnxTestModels.classifierDescriptor("mlp", 3, "sensor");
        assertThat(descriptor.getValidationSamplesCount()).isEqualTo(SAMPLE_ROWS.length);
        try (Model model = loader.load(descriptor)) {
            assertThat(model.id().name()).isEqualTo("mlp");
            assertThat(model.id().version()).isEqualTo(3);
            assertThat(model.id().sha256()).hasSize(64);
            assertThat(model.score(record(SAMPLE_ROWS[2])).label())
                    .isEqualTo(CLASS_LABELS.get(classifierArgmax(SAMPLE_ROWS[2])));
        }
    }

    @Test
    void regressorReproducesItsValidationSamples() throws Exception {
        try (Model model = loader.load(OnnxTestModels.regressorDescriptor("linear", 1, "sensor"))) {
            assertThat(model.score(record(SAMPLE_ROWS[0])).outputs()[0])
                    .isCloseTo(OnnxTestModels.regressorScore(SAMPLE_ROWS[0]), within(1e-5));
        }
    }

    @Test
    void wrongExpectedOutputFailsValidation() {
        ModelDescriptor good = OnnxTestModels.regressorDescriptor("linear", 1, "sensor");
        ModelDescriptor.Builder bad = good.toBuilder();
        double expected = good.getValidationSamples(1).getExpectedOutputs(0);
        bad.getValidationSamplesBuilder(1).setExpectedOutputs(0, expected + 0.5);
        assertThatThrownBy(() -> loader.load(bad.build()))
                .isInstanceOf(ModelLoadException.class)
                .satisfies(
                        e -> assertThat(((ModelLoadException) e).problem()).isEqualTo(ModelProblem.VALIDATION_FAILED))
                .hasMessageContaining("validation sample 1")
                .hasMessageContaining(Double.toString(expected + 0.5));
    }

    @Test
    void wrongExpectedLabelFailsValidation() {
        ModelDescriptor good = OnnxTestModels.classifierDescriptor("mlp", 1, "sensor");
        String label = good.getValidationSamples(0).getExpectedLabel();
        String other =
                CLASS_LABELS.stream().filter(l -> !l.equals(label)).findFirst().orElseThrow();
        ModelDescriptor.Builder bad = good.toBuilder();
        bad.getValidationSamplesBuilder(0).clearExpectedOutputs().setExpectedLabel(other);
        assertThatThrownBy(() -> loader.load(bad.build()))
                .isInstanceOf(ModelLoadException.class)
                .satisfies(
                        e -> assertThat(((ModelLoadException) e).problem()).isEqualTo(ModelProblem.VALIDATION_FAILED))
                .hasMessageContaining("label is " + label + ", expected " + other);
    }
}
