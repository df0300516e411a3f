package dev.modelserving.model.onnx;

import static dev.modelserving.model.onnx.OnnxModelFactoryTest.create;
import static dev.modelserving.model.onnx.OnnxModelFactoryTest.descriptor;
import static dev.modelserving.model.onnx.OnnxTestModels.FEATURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.OutputSpec;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Artifacts and specs the ONNX factory must refuse, each with a typed problem and a message naming it. */
class OnnxModelFactoryRejectsTest {

    private static InputSpec.Builder namedFeatures() {
        return InputSpec.newBuilder().addAllFeatureNames(FEATURES);
    }

    private static AbstractThrowableAssert<?, ?> assertRefused(ModelDescriptor descriptor, ModelProblem problem) {
        return assertThatThrownBy(() -> create(descriptor))
                .isInstanceOf(ModelLoadException.class)
                .satisfies(e -> assertThat(((ModelLoadException) e).problem()).isEqualTo(problem));
    }

    private static AbstractThrowableAssert<?, ?> assertInvalidArtifact(byte[] bytes) {
        return assertRefused(
                descriptor(bytes, namedFeatures(), OutputSpec.newBuilder()), ModelProblem.INVALID_ARTIFACT);
    }

    @Test
    void randomBytes() {
        byte[] bytes = new byte[4096];
        new Random(42).nextBytes(bytes);
        // Parsed and refused by the model check, before ONNX Runtime sees the bytes.
        assertInvalidArtifact(bytes)
                .hasMessageContaining("ONNX model onnx-test@1")
                .hasMessageContaining("4096 bytes")
                .hasMessageContaining("is not an ONNX ModelProto")
                .hasCauseInstanceOf(com.google.protobuf.InvalidProtocolBufferException.class);
    }

    @Test
    void truncatedModel() {
        byte[] model = OnnxTestModels.classifier();
        assertInvalidArtifact(Arrays.copyOf(model, model.length / 2)).hasMessageContaining("is not an ONNX ModelProto");
    }

    @Test
    void emptyArtifact() {
        assertInvalidArtifact(new byte[0]).hasMessageContaining("empty");
    }

    @Test
    void directoryArtifact(@TempDir Path directory) {
        ModelDescriptor descriptor = descriptor(OnnxTestModels.classifier(), namedFeatures(), OutputSpec.newBuilder());
        assertThatThrownBy(() -> new OnnxModelFactory()
                        .create(descriptor, ModelArtifact.ofDirectory(directory), LoadPolicy.defaults()))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("INVALID_ARTIFACT")
                .hasMessageContaining(directory.toString());
    }

    @Test
    void unknownInputNameListsTheModelInputs() {
        assertRefused(
                        descriptor(
                                OnnxTestModels.classifier(),
                                namedFeatures().setTensorName("input_1"),
                                OutputSpec.newBuilder()),
                        ModelProblem.SPEC_MISMATCH)
                .hasMessageContaining("'input_1'")
                .hasMessageContaining("features: FLOAT[-1, 3]");
    }

    @Test
    void severalInputsAndNoneNamed() {
        assertRefused(
                        descriptor(OnnxTestModels.twoInputs(), namedFeatures(), OutputSpec.newBuilder()),
                        ModelProblem.SPEC_MISMATCH)
                .hasMessageContaining("2 inputs")
                .hasMessageContaining("a: FLOAT")
                .hasMessageContaining("b: FLOAT")
                .hasMessageContaining("input.tensor_name");
    }

    @Test
    void severalInputsAndOneNamedLeavesTheOthersUnfed() {
        assertRefused(
                        descriptor(
                                OnnxTestModels.twoInputs(),
                                namedFeatures().setTensorName("a"),
                                OutputSpec.newBuilder()),
                        ModelProblem.SPEC_MISMATCH)
                .hasMessageContaining("feeds only 'a'");
    }

    @Test
    void unknownOutputNameListsTheModelOutputs() {
        assertRefused(
                        descriptor(
                                OnnxTestModels.classifier(),
                                namedFeatures(),
                                OutputSpec.newBuilder().addTensorNames("probs")),
                        ModelProblem.SPEC_MISMATCH)
                .hasMessageContaining("output.tensor_names names 'probs'")
                .hasMessageContaining("probabilities: FLOAT[-1, 3]");
    }

    @Test
    void unknownLabelTensor() {
        assertRefused(
                        descriptor(
                                OnnxTestModels.classifier(),
                                namedFeatures(),
                                OutputSpec.newBuilder().setLabelTensorName("label")),
                        ModelProblem.SPEC_MISMATCH)
                .hasMessageContaining("output.label_tensor_name names 'label'");
    }

    @Test
    void floatLabelTensor() {
        assertRefused(
                        descriptor(
                                OnnxTestModels.classifierWithClassIds(),
                                namedFeatures(),
                                OutputSpec.newBuilder()
                                        .addTensorNames("class_id")
                                        .setLabelTensorName("probabilities")),
                        ModelProblem.SPEC_MISMATCH)
                .hasMessageContaining("label output 'probabilities' is FLOAT");
    }

    @Test
    void stringPrimaryOutput() {
        assertRefused(
                        descriptor(
                                OnnxTestModels.zipMapClassifier(),
                                namedFeatures(),
                                OutputSpec.newBuilder().addTensorNames("output_label")),
                        ModelProblem.SPEC_MISMATCH)
                .hasMessageContaining("primary output 'output_label' is STRING");
    }

    @Test
    void fiveFeaturesForAModelThatTakesThree() {
        InputSpec.Builder fiveFeatures = InputSpec.newBuilder()
                .addAllFeatureNames(FEATURES)
                .addFeatureNames("x4")
                .addFeatureNames("x5");
        assertRefused(
                        descriptor(OnnxTestModels.classifier(), fiveFeatures, OutputSpec.newBuilder()),
                        ModelProblem.SPEC_MISMATCH)
                .hasMessageContaining("'features' has shape [-1, 3]")
                .hasMessageContaining("record has shape [5]")
                .hasMessageContaining("the model expects 3");
    }

    @Test
    void declaredShapeThatDoesNotFitThePackedInput() {
        assertRefused(
                        descriptor(
                                OnnxTestModels.packedRegressor(),
                                InputSpec.newBuilder().addShape(3).addShape(3),
                                OutputSpec.newBuilder()),
                        ModelProblem.SPEC_MISMATCH)
                .hasMessageContaining("[-1, 2, 2]")
                .hasMessageContaining("[3, 3]");
        assertRefused(
                        descriptor(
                                OnnxTestModels.packedRegressor(),
                                InputSpec.newBuilder().addShape(4),
                                OutputSpec.newBuilder()),
                        ModelProblem.SPEC_MISMATCH)
                .hasMessageContaining("rank 3")
                .hasMessageContaining("rank 1");
    }

    @Test
    void integerInput() {
        assertRefused(
                        descriptor(OnnxTestModels.int64Input(), namedFeatures(), OutputSpec.newBuilder()),
                        ModelProblem.SPEC_MISMATCH)
                .hasMessageContaining("'ids' has element type INT64");
    }
}
