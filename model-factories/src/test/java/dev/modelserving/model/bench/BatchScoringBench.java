package dev.modelserving.model.bench;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ScoringException;
import dev.modelserving.model.onnx.OnnxModelFactory;
import dev.modelserving.model.onnx.OnnxTestModels;
import dev.modelserving.model.tensorflow.TensorFlowGraphFactory;
import dev.modelserving.model.tensorflow.TfDescriptors;
import dev.modelserving.model.tensorflow.TfTestModels;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A quick measurement (not a test, not JMH): records per second of the test MLPs (TensorFlow frozen graph 3→4→2, ONNX
 * 3→4→3) scored one by one with {@link Model#score} and in batches of 1, 8 and 32 with {@link Model#scoreBatch}, on
 * the calling thread. Run: {@code java -cp <test classpath> dev.modelserving.model.bench.BatchScoringBench [seconds]}.
 */
public final class BatchScoringBench {

    private BatchScoringBench() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        List<DataRecord> records = new ArrayList<>();
        for (double[] x : TfDescriptors.inputs(1024, 7)) {
            records.add(TfDescriptors.record(x));
        }
        ModelDescriptor tf = TfDescriptors.descriptor(ModelType.TENSORFLOW_GRAPH, TfTestModels.frozenGraph())
                .setOutput(TfDescriptors.classifier(TfTestModels.PROBABILITIES))
                .build();
        try (Model model = new TensorFlowGraphFactory()
                .create(tf, ModelArtifact.ofBytes(tf.getArtifactBytes().toByteArray()), LoadPolicy.defaults())) {
            run("TF frozen graph MLP", model, records, seconds);
        }
        List<DataRecord> onnxRecords = new ArrayList<>();
        for (double[] x : TfDescriptors.inputs(1024, 8)) {
            onnxRecords.add(OnnxTestModels.record(x));
        }
        ModelDescriptor onnx = ModelDescriptor.newBuilder()
                .setName("bench")
                .setVersion(1)
                .setDataType("bench")
                .setModelType(ModelType.ONNX)
                .setArtifactBytes(com.google.protobuf.ByteString.copyFrom(OnnxTestModels.classifier()))
                .setInput(InputSpec.newBuilder().addAllFeatureNames(OnnxTestModels.FEATURES))
                .setOutput(OutputSpec.newBuilder().setKind(OutputKind.CLASSIFICATION))
                .build();
        try (Model model = new OnnxModelFactory()
                .create(onnx, ModelArtifact.ofBytes(onnx.getArtifactBytes().toByteArray()), LoadPolicy.defaults())) {
            run("ONNX MLP", model, onnxRecords, seconds);
        }
    }

    private static void run(String name, Model model, List<DataRecord> records, double seconds)
            throws ScoringException {
        // warm-up
        measureScore(model, records, seconds / 2);
        double single = measureScore(model, records, seconds);
        System.out.printf(Locale.ROOT, "%-22s score()          %,12.0f rec/s%n", name, single);
        for (int batch : new int[] {1, 8, 32}) {
            measureBatch(model, records, batch, seconds / 2);
            double rate = measureBatch(model, records, batch, seconds);
            System.out.printf(
                    Locale.ROOT,
                    "%-22s scoreBatch(%2d)   %,12.0f rec/s  (%.2fx score)%n",
                    name,
                    batch,
                    rate,
                    rate / single);
        }
    }

    private static double measureScore(Model model, List<DataRecord> records, double seconds) throws ScoringException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long count = 0;
        int i = 0;
        while (System.nanoTime() < end) {
            model.score(records.get(i));
            i = (i + 1) % records.size();
            count++;
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }

    private static double measureBatch(Model model, List<DataRecord> records, int size, double seconds) {
        List<List<DataRecord>> batches = new ArrayList<>();
        for (int i = 0; i + size <= records.size(); i += size) {
            batches.add(records.subList(i, i + size));
        }
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long count = 0;
        int b = 0;
        while (System.nanoTime() < end) {
            if (!model.scoreBatch(batches.get(b)).get(0).ok()) {
                throw new IllegalStateException("a benchmark record failed");
            }
            b = (b + 1) % batches.size();
            count += size;
        }
        return count / ((System.nanoTime() - start) / 1e9);
    }
}
