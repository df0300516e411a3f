package dev.modelserving.deploy.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.Prediction;
import dev.modelserving.proto.DataRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The heavy sample CNN: both exports load through the job's {@link ModelLoader} (TensorFlow op allowlist, ONNX
 * checks, validation samples required and reproduced), and TensorFlow, ONNX Runtime and the plain-Java forward pass
 * give the same probabilities on images they were not validated with.
 */
class CnnModelsTest {

    private static final LoadPolicy REQUIRE_SAMPLES = LoadPolicy.defaults().withRequireValidationSamples(true);

    @Test
    void bothExportsPassTheLoadersChecksAndTheirValidationSamples() throws Exception {
        ModelLoader loader = ModelLoader.withDiscoveredFactories(REQUIRE_SAMPLES);
        for (SampleModel sample : List.of(CnnModels.tensorflow(), CnnModels.onnx())) {
            assertThat(sample.descriptor().getValidationSamplesCount()).isEqualTo(SampleModels.VALIDATION_SAMPLES);
            try (Model model = loader.load(sample.descriptor())) {
                assertThat(model.id().toString()).contains(sample.descriptor().getName());
            }
        }
    }

    @Test
    void tensorFlowOnnxAndTheJavaForwardPassAgreeOnNewImages() throws Exception {
        ModelLoader loader = ModelLoader.withDiscoveredFactories(LoadPolicy.defaults());
        CnnWeights weights = CnnModels.weights();
        List<DataRecord> images = CnnModels.images(7, 20);
        try (Model tf = loader.load(CnnModels.tensorflow().descriptor());
                Model onnx = loader.load(CnnModels.onnx().descriptor())) {
            int labelsSeen = 0;
            String firstLabel = null;
            for (DataRecord image : images) {
                double[] expected = weights.predict(pixels(image));
                Prediction fromTf = tf.score(image);
                Prediction fromOnnx = onnx.score(image);

                assertThat(fromTf.outputs()).hasSize(CnnWeights.CLASSES);
                assertThat(fromOnnx.outputs()).hasSize(CnnWeights.CLASSES);
                for (int k = 0; k < CnnWeights.CLASSES; k++) {
                    assertThat(fromTf.outputs()[k]).isCloseTo(expected[k], within(1e-5));
                    assertThat(fromOnnx.outputs()[k]).isCloseTo(fromTf.outputs()[k], within(1e-5));
                }
                String label = Integer.toString(CnnWeights.argmax(expected));
                assertThat(fromTf.label()).isEqualTo(label);
                assertThat(fromOnnx.label()).isEqualTo(label);
                if (firstLabel == null) {
                    firstLabel = label;
                } else if (!label.equals(firstLabel)) {
                    labelsSeen++;
                }
            }
            // a model that answered one constant class would make the agreement above trivial
            assertThat(labelsSeen)
                    .as("images labelled differently from the first")
                    .isPositive();
        }
    }

    @Test
    void batchedScoringGivesTheSameProbabilitiesAsOneRecordAtATime() throws Exception {
        ModelLoader loader = ModelLoader.withDiscoveredFactories(LoadPolicy.defaults());
        List<DataRecord> images = CnnModels.images(11, 8);
        for (SampleModel sample : List.of(CnnModels.tensorflow(), CnnModels.onnx())) {
            try (Model model = loader.load(sample.descriptor())) {
                var batch = model.scoreBatch(images);
                assertThat(batch).hasSize(images.size());
                for (int i = 0; i < images.size(); i++) {
                    assertThat(batch.get(i).ok()).isTrue();
                    assertThat(batch.get(i).prediction().outputs())
                            .containsExactly(model.score(images.get(i)).outputs(), within(1e-6));
                }
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameArtifacts() {
        assertThat(CnnModels.tensorflow().descriptor())
                .isEqualTo(CnnModels.tensorflow().descriptor());
        assertThat(CnnModels.onnx().descriptor()).isEqualTo(CnnModels.onnx().descriptor());
        assertThat(CnnModels.images(3, 2)).isEqualTo(CnnModels.images(3, 2));
        assertThat(CnnModels.images(3, 1).get(0).getVectorCount()).isEqualTo(CnnWeights.PIXELS);
    }

    private static float[] pixels(DataRecord image) {
        float[] pixels = new float[image.getVectorCount()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = image.getVector(i);
        }
        return pixels;
    }
}
