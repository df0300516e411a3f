package dev.modelserving.model.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.onnx.OnnxTestModels;
import dev.modelserving.model.serving.ModelRetirer;
import dev.modelserving.model.serving.ServingSlot;
import dev.modelserving.model.serving.SlotSettings;
import dev.modelserving.model.tensorflow.TfDescriptors;
import dev.modelserving.model.tensorflow.TfTestModels;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.ServingSlotState;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * Measurement (prints figures, asserts only that every swap activated): how long the operator thread spends in
 * {@link ServingSlot#poll()} at the activation of a new version (the superseded one is handed to the retirer), next
 * to how long closing such a model takes (what {@code poll()} spent on top when it closed the superseded model
 * itself), for a TF frozen graph, an ONNX classifier and a ~324 KB PMML forest.
 */
class SwapPollMeasurement {

    private static final int SWAPS = 40;
    private static final int RECORDS_PER_VERSION = 50;

    private record Kind(String name, LongFunction<ModelDescriptor> version, LongFunction<DataRecord> record) {}

    private static ModelDescriptor tensorFlow(long version) {
        return TfDescriptors.descriptor(ModelType.TENSORFLOW_GRAPH, TfTestModels.frozenGraph())
                .setOutput(TfDescriptors.classifier(TfTestModels.PROBABILITIES))
                .setVersion(version)
                .build();
    }

    private static DataRecord sensor(long seed) {
        return TfDescriptors.record(TfDescriptors.inputs(1, seed).get(0));
    }

    private static DataRecord onnxRecord(long seed) {
        Random random = new Random(seed);
        return OnnxTestModels.record(random.nextGaussian(), random.nextGaussian(), random.nextGaussian()).toBuilder()
                .setDataType("onnx")
                .build();
    }

    private static ModelDescriptor forest(long version) {
        return ModelDescriptor.newBuilder()
                .setName("forest")
                .setVersion(version)
                .setDataType("forest")
                .setModelType(ModelType.PMML)
                .setArtifactBytes(com.google.protobuf.ByteString.copyFrom(
                        WarmSwapForestMeasurement.forest(13, 7, version).getBytes(StandardCharsets.UTF_8)))
                .setInput(InputSpec.newBuilder().addAllFeatureNames(List.of("a", "b", "c", "d")))
                .setOutput(OutputSpec.newBuilder().setKind(OutputKind.REGRESSION))
                .build();
    }

    private static DataRecord forestRecord(long seed) {
        Random random = new Random(seed);
        DataRecord.Builder r = DataRecord.newBuilder().setDataType("forest").setId("r" + seed);
        for (String f : List.of("a", "b", "c", "d")) {
            r.putFeatures(f, random.nextDouble());
        }
        return r.build();
    }

    private static void measure(Kind kind) throws Exception {
        ModelLoader loader = ModelLoader.withDiscoveredFactories(LoadPolicy.defaults());
        String dataType = kind.version().apply(1).getDataType();
        long[] pollMicros = new long[SWAPS];
        SlotSettings settings = new SlotSettings(loader, Runnable::run, "m-0", 2, System::currentTimeMillis);
        try (ServingSlot slot = new ServingSlot(dataType, ServingSlotState.getDefaultInstance(), settings)) {
            for (int v = 1; v <= SWAPS + 1; v++) {
                List<ModelEvent> events =
                        new ArrayList<>(slot.apply(kind.version().apply(v)));
                long start = System.nanoTime();
                events.addAll(slot.poll());
                long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
                assertThat(events).extracting(ModelEvent::getType).contains(ModelEventType.ACTIVATED);
                if (v > 1) {
                    pollMicros[v - 2] = micros;
                }
                for (int i = 0; i < RECORDS_PER_VERSION; i++) {
                    slot.score(kind.record().apply(v * 1000L + i));
                }
            }
        }
        settings.loads().close();
        long[] closeMicros = new long[SWAPS];
        for (int v = 1; v <= SWAPS; v++) {
            Model model = loader.loadAndWarmUp(kind.version().apply(v)).model();
            for (int i = 0; i < RECORDS_PER_VERSION; i++) {
                model.score(kind.record().apply(v * 1000L + i));
            }
            long start = System.nanoTime();
            model.close();
            closeMicros[v - 1] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
        }
        System.out.printf(
                Locale.ROOT,
                "%s, %d swaps: poll() at activation %s; close() of a served model %s%n",
                kind.name(),
                SWAPS,
                WarmSwapForestMeasurement.describe(pollMicros),
                WarmSwapForestMeasurement.describe(closeMicros));
    }

    /** What {@link ModelRetirer#retire} costs its caller when its thread must start, and when it is running. */
    @Test
    void handOffToTheRetirer() throws Exception {
        int rounds = 200;
        long[] cold = new long[rounds];
        long[] warm = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            try (ModelRetirer retirer = new ModelRetirer("measure-retirer")) {
                for (long[] into : new long[][] {cold, warm}) {
                    Model model = ModelLoader.withDiscoveredFactories(LoadPolicy.defaults())
                            .load(forest(1).toBuilder()
                                    .setArtifactBytes(com.google.protobuf.ByteString.copyFrom(
                                            WarmSwapForestMeasurement.forest(1, 2, i)
                                                    .getBytes(StandardCharsets.UTF_8)))
                                    .build());
                    long start = System.nanoTime();
                    retirer.retire(model, "measured model");
                    into[i] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
                }
                retirer.idle().get(10, TimeUnit.SECONDS);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "retire() hand-off, %d rounds: starting the thread %s; thread running %s%n",
                rounds,
                WarmSwapForestMeasurement.describe(cold),
                WarmSwapForestMeasurement.describe(warm));
    }

    @Test
    void pollAtActivationNextToTheCloseOfTheSupersededModel() throws Exception {
        measure(new Kind("TF frozen graph", SwapPollMeasurement::tensorFlow, SwapPollMeasurement::sensor));
        measure(new Kind(
                "ONNX classifier",
                v -> OnnxTestModels.classifierDescriptor("onnx", v, "onnx"),
                SwapPollMeasurement::onnxRecord));
        measure(new Kind("PMML forest", SwapPollMeasurement::forest, SwapPollMeasurement::forestRecord));
    }
}
