package dev.modelserving.model.onnx;

import static dev.modelserving.model.onnx.OnnxTestModels.CLASS_IDS;
import static dev.modelserving.model.onnx.OnnxTestModels.CLASS_LABELS;
import static dev.modelserving.model.onnx.OnnxTestModels.FEATURES;
import static dev.modelserving.model.onnx.OnnxTestModels.SAMPLE_ROWS;
import static dev.modelserving.model.onnx.OnnxTestModels.classifierArgmax;
import static dev.modelserving.model.onnx.OnnxTestModels.classifierProbabilities;
import static dev.modelserving.model.onnx.OnnxTestModels.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Scores records with ONNX models built in code and compares with the same models computed in plain Java. */
class OnnxModelFactoryTest {

    /** ORT computes in float32; the plain-Java pass in double. */
    private static final double FLOAT_TOLERANCE = 1e-5;

    static ModelDescriptor descriptor(byte[] model, InputSpec.Builder input, OutputSpec.Builder output) {
        return ModelDescriptor.newBuilder()
                .setName("onnx-test")
                .setVersion(1)
                .setDataType("test")
                .setModelType(ModelType.ONNX)
                .setArtifactBytes(ByteString.copyFrom(model))
                .setInput(input)
                .setOutput(output)
                .build();
    }

    static Model create(ModelDescriptor descriptor) throws ModelLoadException {
        return new OnnxModelFactory()
                .create(
                        descriptor,
                        ModelArtifact.ofBytes(descriptor.getArtifactBytes().toByteArray()),
                        LoadPolicy.defaults());
    }

    private static InputSpec.Builder namedFeatures() {
        return InputSpec.newBuilder().addAllFeatureNames(FEATURES);
    }

    private static void assertClose(double actual, double expected) {
        assertThat(actual).isCloseTo(expected, within(FLOAT_TOLERANCE * Math.max(1, Math.abs(expected))));
    }

    @Test
    void regressorScoresEqualThePlainJavaFormula() throws Exception {
        try (Model model = create(descriptor(
                OnnxTestModels.regressor(),
                namedFeatures(),
                OutputSpec.newBuilder().setKind(OutputKind.REGRESSION)))) {
            assertThat(model.id().type()).isEqualTo("ONNX");
            for (double[] row : SAMPLE_ROWS) {
                Prediction prediction = model.score(record(row));
                assertThat(prediction.outputs()).hasSize(1);
                assertClose(prediction.outputs()[0], OnnxTestModels.regressorScore(row));
                assertThat(prediction.label()).isNull();
            }
        }
    }

    @Test
    void classifierGivesArgmaxLabelAndProbabilitiesByDescriptorLabel() throws Exception {
        try (Model model = create(descriptor(
                OnnxTestModels.classifier(),
                namedFeatures(),
                OutputSpec.newBuilder().setKind(OutputKind.CLASSIFICATION).addAllLabels(CLASS_LABELS)))) {
            List<String> labelsSeen = new ArrayList<>();
            for (double[] row : SAMPLE_ROWS) {
                Prediction prediction = model.score(record(row));
                double[] expected = classifierProbabilities(row);
                assertThat(prediction.label()).isEqualTo(CLASS_LABELS.get(classifierArgmax(row)));
                assertThat(prediction.probabilities().keySet()).containsExactlyElementsOf(CLASS_LABELS);
                for (int k = 0; k < expected.length; k++) {
                    assertClose(prediction.probabilities().get(CLASS_LABELS.get(k)), expected[k]);
                    assertClose(prediction.outputs()[k], expected[k]);
                }
                labelsSeen.add(prediction.label());
            }
            assertThat(labelsSeen).containsAll(CLASS_LABELS);
        }
    }

    @Test
    void inputNamedExplicitlyOrInferredGivesTheSameResult() throws Exception {
        OutputSpec.Builder output = OutputSpec.newBuilder().setKind(OutputKind.CLASSIFICATION);
        try (Model inferred = create(descriptor(OnnxTestModels.classifier(), namedFeatures(), output));
                Model named = create(descriptor(
                        OnnxTestModels.classifier(),
                        namedFeatures().setTensorName("features"),
                        output.clone().addTensorNames("probabilities")))) {
            for (double[] row : SAMPLE_ROWS) {
                Prediction prediction = inferred.score(record(row));
                assertThat(prediction.label()).isEqualTo(Integer.toString(classifierArgmax(row)));
                assertThat(named.score(record(row))).isEqualTo(prediction);
            }
        }
    }

    @Test
    void int64LabelTensorGivesTheLabel() throws Exception {
        try (Model model = create(descriptor(
                OnnxTestModels.classifierWithClassIds(),
                namedFeatures(),
                OutputSpec.newBuilder()
                        .setKind(OutputKind.CLASSIFICATION)
                        .addTensorNames("probabilities")
                        .setLabelTensorName("class_id")))) {
            for (double[] row : SAMPLE_ROWS) {
                Prediction prediction = model.score(record(row));
                // The label is the model's class id, not the argmax index the probabilities are keyed by.
                assertThat(prediction.label()).isEqualTo(Long.toString(CLASS_IDS[classifierArgmax(row)]));
                assertThat(prediction.probabilities().keySet()).containsExactly("0", "1", "2");
                assertClose(prediction.outputs()[1], classifierProbabilities(row)[1]);
            }
        }
    }

    @Test
    void int64TensorCanBeThePrimaryOutput() throws Exception {
        try (Model model = create(descriptor(
                OnnxTestModels.classifierWithClassIds(),
                namedFeatures(),
                OutputSpec.newBuilder().addTensorNames("class_id")))) {
            for (double[] row : SAMPLE_ROWS) {
                assertThat(model.score(record(row)).outputs())
                        .containsExactly((double) CLASS_IDS[classifierArgmax(row)]);
            }
        }
    }

    @Test
    void zipMapProbabilitiesAreKeyedByClassAndTheStringLabelTensorGivesTheLabel() throws Exception {
        // No tensor names: the primary output is the first output that is not the label tensor.
        try (Model model = create(descriptor(
                OnnxTestModels.zipMapClassifier(),
                namedFeatures(),
                OutputSpec.newBuilder().setLabelTensorName("output_label")))) {
            for (double[] row : SAMPLE_ROWS) {
                Prediction prediction = model.score(record(row));
                double[] expected = classifierProbabilities(row);
                assertThat(prediction.label()).isEqualTo(CLASS_LABELS.get(classifierArgmax(row)));
                // Classes from the map keys, in sorted order.
                assertThat(prediction.probabilities().keySet()).containsExactly("high", "low", "medium");
                for (int k = 0; k < expected.length; k++) {
                    assertClose(prediction.probabilities().get(CLASS_LABELS.get(k)), expected[k]);
                }
                assertClose(prediction.outputs()[0], expected[2]);
            }
        }
    }

    @Test
    void aScikitLearnStyleClassifierIsRecognisedWithoutNamingOutputs() throws Exception {
        // output_label (STRING) + output_probability (ZipMap), no output named, kind AUTO: read as a classifier.
        try (Model model =
                create(descriptor(OnnxTestModels.zipMapClassifier(), namedFeatures(), OutputSpec.newBuilder()))) {
            for (double[] row : SAMPLE_ROWS) {
                Prediction prediction = model.score(record(row));
                double[] expected = classifierProbabilities(row);
                assertThat(prediction.label()).isEqualTo(CLASS_LABELS.get(classifierArgmax(row)));
                for (int k = 0; k < expected.length; k++) {
                    assertClose(prediction.probabilities().get(CLASS_LABELS.get(k)), expected[k]);
                }
            }
        }
        // probabilities (FLOAT tensor) + class_id (INT64): the class id is the label.
        try (Model model =
                create(descriptor(OnnxTestModels.classifierWithClassIds(), namedFeatures(), OutputSpec.newBuilder()))) {
            for (double[] row : SAMPLE_ROWS) {
                Prediction prediction = model.score(record(row));
                double[] expected = classifierProbabilities(row);
                assertThat(prediction.label()).isEqualTo(Long.toString(CLASS_IDS[classifierArgmax(row)]));
                assertThat(prediction.outputs()).hasSize(3);
                for (int k = 0; k < expected.length; k++) {
                    assertClose(prediction.outputs()[k], expected[k]);
                }
            }
        }
    }

    @Test
    void zipMapWithIntegerClassesIsOrderedNumericallyAndTheInt64LabelTensorGivesTheLabel() throws Exception {
        try (Model model = create(descriptor(
                OnnxTestModels.zipMapClassifierWithClassIds(),
                namedFeatures(),
                OutputSpec.newBuilder().addTensorNames("output_probability").setLabelTensorName("output_label")))) {
            for (double[] row : SAMPLE_ROWS) {
                Prediction prediction = model.score(record(row));
                double[] expected = classifierProbabilities(row);
                assertThat(prediction.label()).isEqualTo(Long.toString(CLASS_IDS[classifierArgmax(row)]));
                assertThat(prediction.probabilities().keySet()).containsExactly("7", "20", "100");
                for (int k = 0; k < expected.length; k++) {
                    assertClose(prediction.outputs()[k], expected[k]);
                }
            }
        }
    }

    @Test
    void zipMapProbabilitiesFollowTheDescriptorLabelOrder() throws Exception {
        try (Model model = create(descriptor(
                OnnxTestModels.zipMapClassifier(),
                namedFeatures(),
                OutputSpec.newBuilder().addTensorNames("output_probability").addAllLabels(CLASS_LABELS)))) {
            for (double[] row : SAMPLE_ROWS) {
                Prediction prediction = model.score(record(row));
                double[] expected = classifierProbabilities(row);
                assertThat(prediction.label()).isEqualTo(CLASS_LABELS.get(classifierArgmax(row)));
                assertThat(prediction.probabilities().keySet()).containsExactlyElementsOf(CLASS_LABELS);
                for (int k = 0; k < expected.length; k++) {
                    assertClose(prediction.outputs()[k], expected[k]);
                }
            }
        }
    }

    @Test
    void zipMapClassesThatDifferFromTheDescriptorLabelsFailTheRecord() throws Exception {
        try (Model model = create(descriptor(
                OnnxTestModels.zipMapClassifier(),
                namedFeatures(),
                OutputSpec.newBuilder().addTensorNames("output_probability").addAllLabels(List.of("a", "b", "c"))))) {
            assertThatThrownBy(() -> model.score(record(SAMPLE_ROWS[0])))
                    .isInstanceOf(ScoringException.class)
                    .hasMessageContaining("output_probability")
                    .hasMessageContaining("[a, b, c]")
                    .hasMessageContaining("medium");
        }
    }

    @Test
    void packedVectorWithDeclaredShapeGetsABatchDimension() throws Exception {
        try (Model model = create(descriptor(
                OnnxTestModels.packedRegressor(),
                InputSpec.newBuilder().addShape(2).addShape(2),
                OutputSpec.newBuilder()))) {
            float[][] images = {{1f, 2f, 3f, 4f}, {-0.5f, 0.25f, 0f, 1.5f}, {0f, 0f, 0f, 0f}};
            for (float[] image : images) {
                DataRecord.Builder record =
                        DataRecord.newBuilder().addVectorShape(2).addVectorShape(2);
                double[] asDoubles = new double[image.length];
                for (int i = 0; i < image.length; i++) {
                    record.addVector(image[i]);
                    asDoubles[i] = image[i];
                }
                assertThat(model.score(record.build()).outputs()).hasSize(1);
                assertClose(model.score(record.build()).outputs()[0], OnnxTestModels.packedScore(asDoubles));
                // Without vector_shape the declared shape applies.
                DataRecord flat = record.clearVectorShape().build();
                assertClose(model.score(flat).outputs()[0], OnnxTestModels.packedScore(asDoubles));
            }
            DataRecord wrongSize = DataRecord.newBuilder()
                    .addVector(1f)
                    .addVector(2f)
                    .addVector(3f)
                    .build();
            assertThatThrownBy(() -> model.score(wrongSize))
                    .isInstanceOf(ScoringException.class)
                    .hasMessageContaining("3 values");
        }
    }

    @Test
    void doubleInputIsFedAtFullPrecision() throws Exception {
        try (Model model =
                create(descriptor(OnnxTestModels.doubleRegressor(), namedFeatures(), OutputSpec.newBuilder()))) {
            double[][] rows = {{0.1, 0.2, 0.3}, {1.0 / 3, -2.0 / 7, 1e-3}, {12345.678901, -0.000123, 7.7}};
            for (double[] row : rows) {
                // float32 rounding of the inputs would be off by ~1e-7 relative; double keeps ~1e-15.
                double expected = OnnxTestModels.regressorScore(row);
                assertThat(model.score(record(row)).outputs()[0])
                        .isCloseTo(expected, within(1e-12 * Math.max(1, Math.abs(expected))));
            }
        }
    }

    @Test
    void missingOrNaNFeatureFailsTheRecordAndTheModelKeepsServing() throws Exception {
        try (Model model = create(descriptor(OnnxTestModels.regressor(), namedFeatures(), OutputSpec.newBuilder()))) {
            DataRecord missing = DataRecord.newBuilder()
                    .putFeatures("x1", 1)
                    .putFeatures("x3", 2)
                    .build();
            assertThatThrownBy(() -> model.score(missing))
                    .isInstanceOf(ScoringException.class)
                    .hasMessageContaining("x2");
            DataRecord nan = DataRecord.newBuilder()
                    .putAllFeatures(Map.of("x1", 1.0, "x2", Double.NaN, "x3", 2.0))
                    .build();
            assertThatThrownBy(() -> model.score(nan))
                    .isInstanceOf(ScoringException.class)
                    .hasMessageContaining("x2")
                    .hasMessageContaining("NaN");
            double[] row = SAMPLE_ROWS[1];
            assertClose(model.score(record(row)).outputs()[0], OnnxTestModels.regressorScore(row));
        }
    }

    @Test
    void closeIsIdempotentAndAClosedModelRefusesToScore() throws Exception {
        Model model = create(descriptor(OnnxTestModels.regressor(), namedFeatures(), OutputSpec.newBuilder()));
        model.score(record(SAMPLE_ROWS[0]));
        model.close();
        model.close();
        assertThatThrownBy(() -> model.score(record(SAMPLE_ROWS[0])))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
