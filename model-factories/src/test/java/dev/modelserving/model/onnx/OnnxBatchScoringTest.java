package dev.modelserving.model.onnx;

import static dev.modelserving.model.BatchScoringChecks.assertSameAsOneByOne;
import static dev.modelserving.model.BatchScoringChecks.scoreBatchInRuns;
import static dev.modelserving.model.onnx.OnnxTestModels.CLASS_IDS;
import static dev.modelserving.model.onnx.OnnxTestModels.FEATURES;
import static dev.modelserving.model.onnx.OnnxTestModels.classifierArgmax;
import static dev.modelserving.model.onnx.OnnxTestModels.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.Model;
import dev.modelserving.model.Scored;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Model#scoreBatch} of ONNX models: one session run per batch, and per record exactly what
 * {@link Model#score} gives (to float precision), bad records failing on their own.
 */
class OnnxBatchScoringTest {

    private static List<double[]> rows(int count, long seed) {
        Random random = new Random(seed);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(new double[] {random.nextGaussian() * 2, random.nextGaussian() * 2, random.nextGaussian() * 2});
        }
        return rows;
    }

    /** 12 records, the one at index 3 missing a feature and the one at index 8 with an infinite feature. */
    private static List<DataRecord> batchWithBadRecords(List<double[]> rows) {
        List<DataRecord> records = new ArrayList<>();
        for (double[] row : rows) {
            records.add(record(row));
        }
        records.set(
                3, records.get(3).toBuilder().removeFeatures(FEATURES.get(1)).build());
        records.set(
                8,
                records.get(8).toBuilder()
                        .putFeatures(FEATURES.get(2), Double.POSITIVE_INFINITY)
                        .build());
        return records;
    }

    @Test
    void classifierWithALabelOutputScoresABatchInOneRun() throws Exception {
        ModelDescriptor d = OnnxModelFactoryTest.descriptor(
                OnnxTestModels.classifierWithClassIds(),
                InputSpec.newBuilder().addAllFeatureNames(FEATURES),
                OutputSpec.newBuilder()
                        .addTensorNames("probabilities")
                        .setLabelTensorName("class_id")
                        .setKind(OutputKind.CLASSIFICATION));
        try (Model model = OnnxModelFactoryTest.create(d)) {
            OnnxModel onnx = (OnnxModel) model;
            List<double[]> rows = rows(12, 41);
            List<DataRecord> records = batchWithBadRecords(rows);
            List<Scored> batch = scoreBatchInRuns(model, onnx::nativeRuns, records, 1, "one session run for the batch");
            assertThat(batch.get(3).failure().getMessage()).contains("missing feature");
            assertThat(batch.get(8).ok()).isFalse();
            assertThat(batch.stream().filter(Scored::ok).count()).isEqualTo(10);
            for (int i = 0; i < rows.size(); i++) {
                if (batch.get(i).ok()) {
                    assertThat(batch.get(i).prediction().label())
                            .isEqualTo(Long.toString(CLASS_IDS[classifierArgmax(rows.get(i))]));
                }
            }
            assertSameAsOneByOne(model, records, batch);
        }
    }

    @Test
    void doubleRegressorFedFromNamedFeaturesKeepsFullPrecision() throws Exception {
        ModelDescriptor d = OnnxModelFactoryTest.descriptor(
                OnnxTestModels.doubleRegressor(),
                InputSpec.newBuilder().addAllFeatureNames(FEATURES),
                OutputSpec.newBuilder().setKind(OutputKind.REGRESSION));
        try (Model model = OnnxModelFactoryTest.create(d)) {
            OnnxModel onnx = (OnnxModel) model;
            List<double[]> rows = rows(9, 42);
            List<DataRecord> records = batchWithBadRecords(rows);
            List<Scored> batch = scoreBatchInRuns(model, onnx::nativeRuns, records, 1, "one session run for the batch");
            for (int i = 0; i < rows.size(); i++) {
                if (i != 3 && i != 8) {
                    assertThat(batch.get(i).prediction().outputs()[0])
                            .isCloseTo(OnnxTestModels.regressorScore(rows.get(i)), within(1e-12));
                }
            }
            assertSameAsOneByOne(model, records, batch);
        }
    }

    @Test
    void aModelWhoseOutputLosesTheBatchDimensionScoresRecordByRecord() throws Exception {
        ModelDescriptor d = OnnxModelFactoryTest.descriptor(
                OnnxTestModels.dynamicSum(),
                InputSpec.newBuilder().addAllFeatureNames(FEATURES),
                OutputSpec.newBuilder().setKind(OutputKind.REGRESSION));
        try (Model model = OnnxModelFactoryTest.create(d)) {
            OnnxModel onnx = (OnnxModel) model;
            List<double[]> rows = rows(6, 43);
            List<DataRecord> records = new ArrayList<>();
            rows.forEach(row -> records.add(record(row)));
            List<Scored> batch =
                    scoreBatchInRuns(model, onnx::nativeRuns, records, 7, "the stacked run, then one per record");
            for (int i = 0; i < rows.size(); i++) {
                double[] row = rows.get(i);
                assertThat(batch.get(i).prediction().outputs()[0]).isCloseTo(row[0] + row[1] + row[2], within(1e-4));
            }
            assertSameAsOneByOne(model, records, batch);
        }
    }
}
