package dev.modelserving.deploy.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import dev.modelserving.model.Checksums;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.Prediction;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wide MLP of the memory benchmark: its ONNX export loads through the job's {@link ModelLoader} with its
 * validation samples required and reproduced, ONNX Runtime and the plain-Java forward pass agree on records they
 * were not validated with, and the artifact is the size of its weights (the benchmark compares memory to it).
 */
class WideMlpOnnxTest {

    private static final String DATA_TYPE = "wide";

    @Test
    void theOnnxExportLoadsValidatesAndAgreesWithTheJavaForwardPass() throws Exception {
        WideMlp mlp = WideMlp.seeded(7, 16, 96, 3, 4);
        byte[] artifact = WideMlpOnnx.bytes(mlp, "test");
        ModelDescriptor descriptor = WideMlpOnnx.descriptor(mlp, "wide-mlp", 1, DATA_TYPE, "test")
                .setArtifactBytes(ByteString.copyFrom(artifact))
                .setArtifactSha256(Checksums.sha256Hex(artifact))
                .build();
        assertThat(descriptor.getValidationSamplesCount()).isEqualTo(SampleModels.VALIDATION_SAMPLES);
        ModelLoader loader =
                ModelLoader.withDiscoveredFactories(LoadPolicy.defaults().withRequireValidationSamples(true));
        List<DataRecord> records = WideMlpOnnx.records(99, 20, mlp.inputs(), DATA_TYPE);
        try (Model model = loader.load(descriptor)) {
            boolean differs = false;
            double[] first = null;
            for (DataRecord record : records) {
                double[] expected = mlp.predict(WideMlpOnnx.features(record));
                Prediction prediction = model.score(record);
                assertThat(prediction.outputs()).hasSize(mlp.classes());
                for (int k = 0; k < mlp.classes(); k++) {
                    assertThat(prediction.outputs()[k]).as(record.getId()).isCloseTo(expected[k], within(1e-5));
                }
                if (first == null) {
                    first = expected;
                } else if (Math.abs(first[0] - expected[0]) > 1e-3) {
                    differs = true;
                }
            }
            // a network answering one constant distribution would make the agreement above trivial
            assertThat(differs).as("probabilities differ between records").isTrue();
        }
    }

    @Test
    void theArtifactIsTheSizeOfItsWeightsAndTheSameSeedGivesTheSameBytes() throws Exception {
        WideMlp mlp = WideMlp.seeded(3, 32, 256, 4, 4);
        byte[] artifact = WideMlpOnnx.bytes(mlp, "size");
        long weights = (32L * 256 + 3L * 256 * 256 + 256L * 4 + 3L * 256 + 256 + 4) * Float.BYTES;
        assertThat(mlp.parameterBytes()).isEqualTo(weights);
        assertThat((long) artifact.length).isBetween(weights, weights + 4096);
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        WideMlpOnnx.write(WideMlp.seeded(3, 32, 256, 4, 4), "size", streamed);
        assertThat(streamed.toByteArray()).isEqualTo(artifact);
        assertThat(WideMlpOnnx.bytes(WideMlp.seeded(4, 32, 256, 4, 4), "size")).isNotEqualTo(artifact);
    }
}
