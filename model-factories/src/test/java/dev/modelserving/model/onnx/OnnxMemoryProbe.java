package dev.modelserving.model.onnx;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs in a child JVM started by {@link OnnxNativeMemoryTest} (fixed, pre-touched heap, so the Java heap adds no
 * noise to the process's resident memory): repeats an ONNX workload and prints VmRSS after the warm-up and at the
 * end, as {@code rss-after-warm-up-kb=<n> rss-at-end-kb=<n>}.
 *
 * <p>Arguments: {@code cycles <total> <warm-up>} (create, score every sample row, close) or
 * {@code records <total> <warm-up>} (score records with one model).
 */
final class OnnxMemoryProbe {

    private OnnxMemoryProbe() {}

    public static void main(String[] args) throws Exception {
        String workload = args[0];
        int total = Integer.parseInt(args[1]);
        int warmUp = Integer.parseInt(args[2]);
        ModelDescriptor descriptor = OnnxTestModels.classifierDescriptor("mlp", 1, "sensor");
        ModelArtifact artifact =
                ModelArtifact.ofBytes(descriptor.getArtifactBytes().toByteArray());
        OnnxModelFactory factory = new OnnxModelFactory();
        DataRecord[] records = new DataRecord[OnnxTestModels.SAMPLE_ROWS.length];
        for (int i = 0; i < records.length; i++) {
            records[i] = OnnxTestModels.record(OnnxTestModels.SAMPLE_ROWS[i]);
        }
        long afterWarmUp;
        switch (workload) {
            case "cycles" -> {
                for (int cycle = 0; cycle < warmUp; cycle++) {
                    createScoreClose(factory, descriptor, artifact, records);
                }
                afterWarmUp = residentKb();
                for (int cycle = warmUp; cycle < total; cycle++) {
                    createScoreClose(factory, descriptor, artifact, records);
                }
            }
            case "records" -> {
                try (Model model = factory.create(descriptor, artifact, LoadPolicy.defaults())) {
                    score(model, records, warmUp);
                    afterWarmUp = residentKb();
                    score(model, records, total - warmUp);
                }
            }
            default -> throw new IllegalArgumentException("unknown workload " + workload);
        }
        System.out.println("rss-after-warm-up-kb=" + afterWarmUp + " rss-at-end-kb=" + residentKb());
    }

    private static void createScoreClose(
            OnnxModelFactory factory, ModelDescriptor descriptor, ModelArtifact artifact, DataRecord[] records)
            throws ModelLoadException, ScoringException {
        try (Model model = factory.create(descriptor, artifact, LoadPolicy.defaults())) {
            score(model, records, records.length);
        }
    }

    private static void score(Model model, DataRecord[] records, int count) throws ScoringException {
        for (int i = 0; i < count; i++) {
            if (model.score(records[i % records.length]).outputs().length != 3) {
                throw new IllegalStateException("expected 3 class probabilities");
            }
        }
    }

    private static long residentKb() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }
}
