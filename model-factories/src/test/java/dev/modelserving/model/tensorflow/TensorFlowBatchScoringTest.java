package dev.modelserving.model.tensorflow;

import static dev.modelserving.model.BatchScoringChecks.assertSameAsOneByOne;
import static dev.modelserving.model.BatchScoringChecks.scoreBatchInRuns;
import static dev.modelserving.model.tensorflow.TfDescriptors.classifier;
import static dev.modelserving.model.tensorflow.TfDescriptors.descriptor;
import static dev.modelserving.model.tensorflow.TfDescriptors.inputs;
import static dev.modelserving.model.tensorflow.TfDescriptors.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.Scored;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * {@link Model#scoreBatch} of the TensorFlow models: one session run per batch, and per record exactly what
 * {@link Model#score} gives (to float precision), bad records failing on their own.
 */
class TensorFlowBatchScoringTest {

    @TempDir
    Path exports;

    @TempDir
    Path unpackRoot;

    /** 12 good records with a record missing a feature at index 4 and one with NaN at index 9. */
    private static List<DataRecord> batchWithBadRecords() {
        List<DataRecord> records = new ArrayList<>();
        for (double[] x : inputs(12, 31)) {
            records.add(record(x));
        }
        records.set(
                4,
                records.get(4).toBuilder()
                        .removeFeatures("fan_rpm")
                        .setId("missing")
                        .build());
        records.set(
                9,
                records.get(9).toBuilder()
                        .putFeatures("load_percent", Double.NaN)
                        .setId("nan")
                        .build());
        return records;
    }

    @Test
    void frozenGraphScoresABatchInOneRunAndEachRecordAsAlone() throws Exception {
        ModelDescriptor d = descriptor(ModelType.TENSORFLOW_GRAPH, TfTestModels.frozenGraph())
                .setOutput(classifier(TfTestModels.PROBABILITIES).setLabelTensorName(TfTestModels.CLASS_INDEX))
                .build();
        try (Model model = new TensorFlowGraphFactory()
                .create(d, ModelArtifact.ofBytes(d.getArtifactBytes().toByteArray()), LoadPolicy.defaults())) {
            TensorFlowModel tf = (TensorFlowModel) model;
            List<DataRecord> records = batchWithBadRecords();
            List<Scored> batch = scoreBatchInRuns(model, tf::nativeRuns, records, 1, "one session run for the batch");
            assertThat(batch.get(4).failure().getMessage()).contains("missing feature 'fan_rpm'");
            assertThat(batch.get(9).failure().getMessage()).contains("NaN");
            assertThat(batch.stream().filter(Scored::ok).count()).isEqualTo(10);
            for (int i = 0; i < records.size(); i++) {
                if (batch.get(i).ok()) {
                    assertThat(batch.get(i).prediction().label())
                            .isEqualTo(TfTestModels.CLASS_NAMES.get(
                                    TfTestModels.predictedClass(inputs(12, 31).get(i))));
                }
            }
            assertSameAsOneByOne(model, records, batch);
        }
    }

    @Test
    void savedModelScoresABatchInOneRun() throws Exception {
        Path exported = TfTestModels.savedModel(exports.resolve("default"), "serving_default");
        ModelDescriptor d = descriptor(ModelType.TENSORFLOW_SAVED_MODEL, TfTestModels.zip(exported, ""))
                .setOutput(classifier(TfTestModels.PROBABILITIES))
                .build();
        try (Model model = new TensorFlowSavedModelFactory(unpackRoot)
                .create(d, ModelArtifact.ofBytes(d.getArtifactBytes().toByteArray()), LoadPolicy.defaults())) {
            TensorFlowModel tf = (TensorFlowModel) model;
            List<DataRecord> records = batchWithBadRecords();
            List<Scored> batch = scoreBatchInRuns(model, tf::nativeRuns, records, 1, "one session run for the batch");
            assertThat(batch.get(4).ok()).isFalse();
            assertThat(batch.get(9).ok()).isFalse();
            assertSameAsOneByOne(model, records, batch);
        }
    }

    @Test
    void aBatchLargerThanTheInputBoundIsSplitIntoBoundedRuns() throws Exception {
        ModelDescriptor d = descriptor(ModelType.TENSORFLOW_GRAPH, TfTestModels.frozenGraph())
                .setOutput(classifier(TfTestModels.PROBABILITIES))
                .build();
        // 3 values per record, at most 9 per run: 10 good records need 4 runs.
        LoadPolicy policy = LoadPolicy.defaults().withMaxInputElements(9);
        try (Model model = new TensorFlowGraphFactory()
                .create(d, ModelArtifact.ofBytes(d.getArtifactBytes().toByteArray()), policy)) {
            TensorFlowModel tf = (TensorFlowModel) model;
            List<DataRecord> records = batchWithBadRecords();
            List<Scored> batch = scoreBatchInRuns(model, tf::nativeRuns, records, 4, "10 records of 3 values, 9 a run");
            assertSameAsOneByOne(model, records, batch);
        }
    }

    @Test
    void aGraphWithItsBatchFixedToOneScoresRecordByRecord() throws Exception {
        ModelDescriptor d = descriptor(
                        ModelType.TENSORFLOW_GRAPH, TfTestModels.frozenGraph(TFloat32.class, Shape.of(1, 3)))
                .setOutput(classifier(TfTestModels.PROBABILITIES))
                .build();
        try (Model model = new TensorFlowGraphFactory()
                .create(d, ModelArtifact.ofBytes(d.getArtifactBytes().toByteArray()), LoadPolicy.defaults())) {
            TensorFlowModel tf = (TensorFlowModel) model;
            List<DataRecord> records = batchWithBadRecords();
            List<Scored> batch = scoreBatchInRuns(model, tf::nativeRuns, records, 10, "one run per good record");
            assertSameAsOneByOne(model, records, batch);
        }
    }
}
