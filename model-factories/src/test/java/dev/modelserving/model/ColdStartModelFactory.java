package dev.modelserving.model;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only model type "COLD" (registered through ServiceLoader in test resources): a model whose first calls are
 * slow, like a JIT-cold evaluator. The artifact is {@code "coldCalls,coldMillis,value"}: each model's first
 * coldCalls scores sleep coldMillis, later ones answer at once; every score returns value. The factory counts the
 * calls of all its models.
 */
public final class ColdStartModelFactory implements ModelFactory {

    public static final String TYPE = "COLD";

    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();

    @Override
    public String type() {
        return TYPE;
    }

    /** Scoring calls made on this factory's models so far. */
    public int calls() {
        return calls.get();
    }

    public int openModels() {
        return open.get();
    }

    /** A descriptor of a COLD model. */
    public static ModelDescriptor.Builder descriptor(
            String dataType, String name, long version, int coldCalls, long coldMillis, double value) {
        return TestDescriptors.custom(TYPE, dataType, name, version, coldCalls + "," + coldMillis + "," + value);
    }

    @Override
    public Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy)
            throws ModelLoadException {
        String[] parts =
                new String(artifact.bytes(), StandardCharsets.UTF_8).trim().split(",");
        if (parts.length != 3) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "expected coldCalls,coldMillis,value");
        }
        int coldCalls;
        long coldMillis;
        double value;
        try {
            coldCalls = Integer.parseInt(parts[0]);
            coldMillis = Long.parseLong(parts[1]);
            value = Double.parseDouble(parts[2]);
        } catch (NumberFormatException e) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "not numbers: " + e.getMessage(), e);
        }
        AtomicInteger own = new AtomicInteger();
        return new CountedModel(ModelId.of(descriptor, artifact), open) {
            @Override
            public Prediction score(DataRecord record) {
                calls.incrementAndGet();
                if (own.incrementAndGet() <= coldCalls) {
                    try {
                        Thread.sleep(coldMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return Prediction.score(value);
            }
        };
    }
}
