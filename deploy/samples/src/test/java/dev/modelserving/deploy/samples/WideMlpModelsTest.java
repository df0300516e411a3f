package dev.modelserving.deploy.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.Scored;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The heavy wide-MLP sample serves the CNN's image records, one record or a batch, with its validation passing. */
class WideMlpModelsTest {

    @Test
    void itServesTheImageRecordsOneByOneAndInABatchAlike() throws Exception {
        ModelDescriptor descriptor = WideMlpModels.onnx().descriptor();
        assertThat(descriptor.getDataType()).isEqualTo(CnnModels.DATA_TYPE);
        assertThat(descriptor.getArtifactBytes().size())
                .as("1.9 million float weights")
                .isGreaterThan(7_000_000);
        List<DataRecord> images = CnnModels.images(1, 8);
        try (Model model = ModelLoader.withDiscoveredFactories(
                        LoadPolicy.defaults().withRequireValidationSamples(true))
                .load(descriptor)) {
            List<Scored> batch = model.scoreBatch(images);
            for (int i = 0; i < images.size(); i++) {
                assertThat(batch.get(i).ok()).isTrue();
                assertThat(batch.get(i).prediction().label())
                        .isEqualTo(model.score(images.get(i)).label());
            }
        }
    }
}
