package dev.modelserving.model.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.serving.ServingSlot;
import dev.modelserving.model.serving.SlotSettings;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.ServingSlotState;
import dev.modelserving.proto.ValidationSample;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Measurement (prints figures, asserts only that the warm-up ran): a ~324 KB random-forest PMML regression is swapped
 * in with and without warm-up, and the latencies of the first records it serves are compared with its steady state.
 * Runs in a fresh JVM per Maven invocation, so "without warm-up" meets JPMML's cold code as a cluster would.
 */
class WarmSwapForestMeasurement {

    private static final List<String> FEATURES = List.of("a", "b", "c", "d");

    /** A forest of {@code trees} regression trees of depth {@code depth} over 4 features, generated from a seed. */
    static String forest(int trees, int depth, long seed) {
        Random random = new Random(seed);
        StringBuilder pmml = new StringBuilder("""
                <?xml version="1.0" encoding="UTF-8"?>
                <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
                  <Header/>
                  <DataDictionary>
                """);
        for (String f : FEATURES) {
            pmml.append("    <DataField name=\"").append(f).append("\" optype=\"continuous\" dataType=\"double\"/>\n");
        }
        pmml.append("    <DataField name=\"y\" optype=\"continuous\" dataType=\"double\"/>\n  </DataDictionary>\n");
        pmml.append("  <MiningModel functionName=\"regression\">\n    <MiningSchema>\n");
        for (String f : FEATURES) {
            pmml.append("      <MiningField name=\"").append(f).append("\"/>\n");
        }
        pmml.append("      <MiningField name=\"y\" usageType=\"target\"/>\n    </MiningSchema>\n");
        pmml.append("    <Segmentation multipleModelMethod=\"average\">\n");
        for (int t = 0; t < trees; t++) {
            pmml.append("      <Segment id=\"").append(t + 1).append("\"><True/>\n");
            pmml.append("        <TreeModel functionName=\"regression\" splitCharacteristic=\"binarySplit\">\n");
            pmml.append("          <MiningSchema>");
            for (String f : FEATURES) {
                pmml.append("<MiningField name=\"").append(f).append("\"/>");
            }
            pmml.append("<MiningField name=\"y\" usageType=\"target\"/></MiningSchema>\n");
            node(pmml, random, depth, "<True/>");
            pmml.append("        </TreeModel>\n      </Segment>\n");
        }
        pmml.append("    </Segmentation>\n  </MiningModel>\n</PMML>\n");
        return pmml.toString();
    }

    private static void node(StringBuilder pmml, Random random, int depth, String predicate) {
        if (depth == 0) {
            pmml.append(String.format(Locale.ROOT, "<Node score=\"%.4f\">%s</Node>", random.nextDouble(), predicate));
            return;
        }
        String field = FEATURES.get(random.nextInt(FEATURES.size()));
        double threshold = random.nextDouble();
        pmml.append("<Node>").append(predicate);
        node(
                pmml,
                random,
                depth - 1,
                String.format(
                        Locale.ROOT,
                        "<SimplePredicate field=\"%s\" operator=\"lessOrEqual\" value=\"%.4f\"/>",
                        field,
                        threshold));
        node(
                pmml,
                random,
                depth - 1,
                String.format(
                        Locale.ROOT,
                        "<SimplePredicate field=\"%s\" operator=\"greaterThan\" value=\"%.4f\"/>",
                        field,
                        threshold));
        pmml.append("</Node>\n");
    }

    private static DataRecord record(Random random, int i) {
        DataRecord.Builder r = DataRecord.newBuilder().setDataType("forest").setId("r" + i);
        FEATURES.forEach(f -> r.putFeatures(f, random.nextDouble()));
        return r.build();
    }

    private static ModelDescriptor descriptor(byte[] pmml, long version, List<ValidationSample> samples) {
        return ModelDescriptor.newBuilder()
                .setName("forest")
                .setVersion(version)
                .setDataType("forest")
                .setModelType(ModelType.PMML)
                .setArtifactBytes(ByteString.copyFrom(pmml))
                .setInput(InputSpec.newBuilder().addAllFeatureNames(FEATURES))
                .setOutput(OutputSpec.newBuilder().setKind(OutputKind.REGRESSION))
                .addAllValidationSamples(samples)
                .build();
    }

    /** Latencies (µs) of the first {@code n} records after activation. */
    private static long[] afterSwap(ModelDescriptor d, WarmUpSettings warmUp, int n, String label) throws Exception {
        ModelLoader loader =
                ModelLoader.withDiscoveredFactories(LoadPolicy.defaults().withWarmUp(warmUp));
        try (ServingSlot slot = new ServingSlot(
                "forest",
                ServingSlotState.getDefaultInstance(),
                new SlotSettings(loader, Runnable::run, "m-0", 2, System::currentTimeMillis))) {
            List<ModelEvent> events = new ArrayList<>(slot.apply(d));
            events.addAll(slot.poll());
            ModelEvent activated = events.get(events.size() - 1);
            assertThat(activated.getType()).isEqualTo(ModelEventType.ACTIVATED);
            Random random = new Random(99);
            long[] micros = new long[n];
            for (int i = 0; i < n; i++) {
                micros[i] = slot.score(record(random, i)).getLatencyNanos() / 1000;
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s: load %d ms, warm-up %d ms / %d calls (stable %s)%n",
                    label,
                    activated.getLoadMillis(),
                    activated.getWarmUpMillis(),
                    activated.getWarmUpCalls(),
                    activated.getWarmUpStable());
            return micros;
        }
    }

    /** The first, median, 99th percentile and largest of {@code micros}. */
    static String describe(long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        return String.format(
                Locale.ROOT,
                "first %d µs, p50 %d µs, p99 %d µs, max %d µs",
                micros[0],
                sorted[sorted.length / 2],
                sorted[(int) Math.ceil(sorted.length * 0.99) - 1],
                sorted[sorted.length - 1]);
    }

    @Test
    void forestLatencyAfterASwapWithAndWithoutWarmUp() throws Exception {
        byte[] pmml = forest(13, 7, 7).getBytes(StandardCharsets.UTF_8);
        System.out.printf("forest PMML: %d bytes%n", pmml.length);
        // Validation samples computed by the model itself (a reference run, no warm-up).
        Random random = new Random(5);
        List<ValidationSample> samples = new ArrayList<>();
        try (var model =
                ModelLoader.withDiscoveredFactories(LoadPolicy.defaults()).load(descriptor(pmml, 1, List.of()))) {
            for (int i = 0; i < 3; i++) {
                DataRecord input = record(random, i);
                samples.add(ValidationSample.newBuilder()
                        .setInput(input)
                        .addExpectedOutputs(model.score(input).outputs()[0])
                        .build());
            }
        }
        // Cold: the first swap in this JVM with a different forest (a fresh JIT profile of the forest's tree code is
        // not possible inside one JVM; the cold run comes first so JPMML's code is as cold as it gets here).
        long[] cold = afterSwap(
                descriptor(forest(13, 7, 8).getBytes(StandardCharsets.UTF_8), 1, List.of()),
                WarmUpSettings.off(),
                1000,
                "without warm-up");
        long[] warm = afterSwap(descriptor(pmml, 2, samples), WarmUpSettings.defaults(), 1000, "with warm-up");
        System.out.println("without warm-up, first 1000 records: " + describe(cold));
        System.out.println("with warm-up,    first 1000 records: " + describe(warm));
        assertThat(pmml.length).isBetween(250_000, 400_000);
    }
}
