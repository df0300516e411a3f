package dev.modelserving.deploy.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ValidationSample;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The warm-swap forest: about 324 KB of PMML, a MiningModel of the declared number of trees over the
 * machine-feature names, that the job's {@link ModelLoader} (JPMML) loads and validates against the samples this
 * class's own tree evaluation computed; the same seed gives the same bytes, the next version another forest.
 */
class ForestModelsTest {

    private static final LoadPolicy REQUIRE_SAMPLES = LoadPolicy.defaults().withRequireValidationSamples(true);

    @Test
    void theForestIsAbout324KbOfPmmlTreesOverTheMachineFeatures() {
        ModelDescriptor forest = ForestModels.forest(1).descriptor();
        String pmml = forest.getArtifactBytes().toString(StandardCharsets.UTF_8);

        assertThat(forest.getArtifactBytes().size()).isBetween(300_000, 350_000);
        assertThat(pmml).contains("<MiningModel").contains("multipleModelMethod=\"average\"");
        assertThat(pmml.split("<TreeModel", -1)).hasSize(ForestModels.TREES + 1);
        assertThat(forest.getDataType()).isEqualTo(MachineFeatureRecords.DATA_TYPE);
        assertThat(forest.getInput().getFeatureNamesList()).isEqualTo(MachineFeatureRecords.MODEL_FEATURE_NAMES);
        for (String feature : MachineFeatureRecords.MODEL_FEATURE_NAMES) {
            assertThat(pmml).contains("field=\"" + feature + "\"");
        }
    }

    @Test
    void theJobsLoaderLoadsItAndItReproducesItsValidationSamples() throws Exception {
        ModelDescriptor forest = ForestModels.forest(1).descriptor();
        assertThat(forest.getValidationSamplesCount()).isEqualTo(SampleModels.VALIDATION_SAMPLES);
        Set<Double> expected = new HashSet<>();
        try (Model model = ModelLoader.withDiscoveredFactories(REQUIRE_SAMPLES).load(forest)) {
            for (ValidationSample sample : forest.getValidationSamplesList()) {
                double prediction = model.score(sample.getInput()).outputs()[0];
                assertThat(prediction).isCloseTo(sample.getExpectedOutputs(0), within(1e-9));
                expected.add(sample.getExpectedOutputs(0));
            }
        }
        // A forest that answered one constant would make the agreement above trivial.
        assertThat(expected).hasSizeGreaterThan(1);
        // Next temperatures of the simulated machines lie in tens of °C.
        assertThat(expected).allSatisfy(t -> assertThat(t).isBetween(0.0, 150.0));
    }

    @Test
    void theSameVersionGivesTheSameBytesAndTheNextVersionAnotherForest() {
        ModelDescriptor first = ForestModels.forest(1).descriptor();
        ModelDescriptor again = ForestModels.forest(1).descriptor();
        ModelDescriptor second = ForestModels.forest(2).descriptor();

        assertThat(again.getArtifactSha256()).isEqualTo(first.getArtifactSha256());
        assertThat(second.getArtifactSha256()).isNotEqualTo(first.getArtifactSha256());
        assertThat(second.getVersion()).isEqualTo(2);
        assertThat(second.getArtifactBytes().size()).isBetween(300_000, 350_000);
    }
}
