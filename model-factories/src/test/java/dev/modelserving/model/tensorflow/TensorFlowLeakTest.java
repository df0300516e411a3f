package dev.modelserving.model.tensorflow;

import static dev.modelserving.model.tensorflow.TfDescriptors.descriptor;
import static dev.modelserving.model.tensorflow.TfDescriptors.record;
import static dev.modelserving.model.tensorflow.TfDescriptors.regressor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelFactory;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads, scores and closes models many times and checks that the process's resident memory stays bounded. A memory
 * bound, never a timing.
 *
 * <p>Measured on the build machine: closed frozen-graph models grow VmRSS only while the young generation first
 * sweeps untouched heap pages (~0.1 MB of garbage per cycle, flat after the first collection); a model left unclosed
 * costs ~0.33 MB of native memory, i.e. ~300 MB over the 900 measured cycles, which fails the bound.
 */
class TensorFlowLeakTest {

    /** Generous: allows heap growth and allocator noise, far below what a per-cycle leak accumulates. */
    private static final long MAX_GROWTH_BYTES = 150L * 1024 * 1024;

    @Test
    void frozenGraphLoadScoreCloseCyclesKeepMemoryBounded() throws Exception {
        byte[] graph = TfTestModels.frozenGraph();
        ModelDescriptor d = descriptor(ModelType.TENSORFLOW_GRAPH, graph)
                .setOutput(regressor(TfTestModels.SCORE))
                .build();
        ModelArtifact artifact = ModelArtifact.ofBytes(graph);
        TensorFlowGraphFactory factory = new TensorFlowGraphFactory();

        long[] rss = cycles(factory, d, artifact, 100, 1000, () -> {});

        report("frozen graph", 100, 1000, rss);
        assertThat(rss[1] - rss[0]).isLessThan(MAX_GROWTH_BYTES);
    }

    @Test
    void savedModelArchiveLoadScoreCloseCyclesKeepMemoryBoundedAndLeaveNoTempDirs(
            @TempDir Path exports, @TempDir Path unpackRoot) throws Exception {
        byte[] archive = TfTestModels.zip(TfTestModels.savedModel(exports.resolve("m"), "serving_default"), "");
        ModelDescriptor d = descriptor(ModelType.TENSORFLOW_SAVED_MODEL, archive)
                .setOutput(OutputSpec.newBuilder())
                .build();
        ModelArtifact artifact = ModelArtifact.ofBytes(archive);
        TensorFlowSavedModelFactory factory = new TensorFlowSavedModelFactory(unpackRoot);

        long[] rss = cycles(
                factory, d, artifact, 20, 200, () -> assertThat(unpackRoot).isEmptyDirectory());

        report("SavedModel zip", 20, 200, rss);
        assertThat(rss[1] - rss[0]).isLessThan(MAX_GROWTH_BYTES);
        assertThat(unpackRoot).isEmptyDirectory();
    }

    /** Runs the cycles; returns the RSS after the warm-up and at the end. */
    private static long[] cycles(
            ModelFactory factory, ModelDescriptor d, ModelArtifact artifact, int warmUp, int total, Runnable afterClose)
            throws Exception {
        double[] x = {1.0, -0.5, 2.0};
        DataRecord record = record(x);
        long afterWarmUp = 0;
        for (int i = 0; i < total; i++) {
            if (i == warmUp) {
                afterWarmUp = residentBytes();
            }
            try (Model model = factory.create(d, artifact, LoadPolicy.defaults())) {
                double[] outputs = model.score(record).outputs();
                if (d.getModelType() == ModelType.TENSORFLOW_GRAPH) {
                    assertThat(outputs[0]).isCloseTo(TfTestModels.score(x), within(1e-5));
                } else {
                    assertThat(outputs[1]).isCloseTo(TfTestModels.probabilities(x)[1], within(1e-5));
                }
            }
            afterClose.run();
        }
        return new long[] {afterWarmUp, residentBytes()};
    }

    private static void report(String what, int warmUp, int total, long[] rss) {
        System.out.printf(
                "%s: VmRSS after %d warm-up cycles %.1f MB, after %d cycles %.1f MB, growth %.1f MB%n",
                what, warmUp, rss[0] / 1048576.0, total, rss[1] / 1048576.0, (rss[1] - rss[0]) / 1048576.0);
    }

    /** VmRSS of this process from /proc/self/status. */
    static long residentBytes() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
        for (String line : lines) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                assertThat(parts[1]).isEqualToIgnoringCase("kB");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
