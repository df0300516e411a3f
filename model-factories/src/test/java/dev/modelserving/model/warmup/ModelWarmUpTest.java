package dev.modelserving.model.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.TestDescriptors;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.FieldMapping;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelWarmUpTest {

    private final ModelWarmUp warmUp = new ModelWarmUp(WarmUpSettings.defaults());

    @Test
    void stableMeansEveryRoundNearTheMedian() {
        assertThat(warmUp.stable(new long[] {1_000_000, 1_050_000, 990_000, 1_100_000, 1_000_000}))
                .isTrue();
        assertThat(warmUp.stable(new long[] {3_000_000, 1_050_000, 990_000, 1_100_000, 1_000_000}))
                .isFalse();
        // Microsecond rounds: jitter below the absolute slack counts as stable.
        assertThat(warmUp.stable(new long[] {2_000, 9_000, 2_500, 3_000, 2_000}))
                .isTrue();
    }

    @Test
    void inputsAreTheSamplesAndZerosOfTheInputContract() {
        ModelDescriptor pmml = TestDescriptors.constant("1")
                .addValidationSamples(TestDescriptors.sample(3, 1, 1))
                .setInput(InputSpec.newBuilder()
                        .addFeatureNames("a")
                        .addFieldMapping(
                                FieldMapping.newBuilder().setRecordFeature("b").setModelField("B")))
                .build();
        List<DataRecord> inputs = ModelWarmUp.inputs(pmml);
        assertThat(inputs).hasSize(2);
        assertThat(inputs.get(0).getFeaturesMap()).containsOnlyKeys("f0", "f1");
        assertThat(inputs.get(1).getFeaturesMap())
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("a", 0.0, "b", 0.0));
        assertThat(inputs.get(1).getDataType()).isEqualTo("test");

        ModelDescriptor tensor = TestDescriptors.constant("1")
                .setInput(InputSpec.newBuilder().addShape(28).addShape(28).addShape(1))
                .build();
        assertThat(ModelWarmUp.inputs(tensor))
                .singleElement()
                .satisfies(r -> assertThat(r.getVectorCount()).isEqualTo(784));

        ModelDescriptor unknown = TestDescriptors.constant("1")
                .setInput(InputSpec.newBuilder().addShape(-1).addShape(10))
                .build();
        assertThat(ModelWarmUp.inputs(unknown)).isEmpty();
        ModelDescriptor huge = TestDescriptors.constant("1")
                .setInput(InputSpec.newBuilder().addShape(1L << 40).addShape(1L << 40))
                .build();
        assertThat(ModelWarmUp.inputs(huge)).isEmpty();
    }
}
