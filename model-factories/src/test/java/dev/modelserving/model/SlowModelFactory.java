package dev.modelserving.model;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.nio.charset.StandardCharsets;

/**
 * Test-only model type "SLOW" (registered through ServiceLoader in test resources) that takes real time: the
 * artifact is {@code "loadMillis,scoreMillis,value"}; building the model sleeps loadMillis, every score sleeps
 * scoreMillis and returns value. Stands in for a large model that loads slowly or a smart model that answers late.
 */
public final class SlowModelFactory implements ModelFactory {

    public static final String TYPE = "SLOW";

    @Override
    public String type() {
        return TYPE;
    }

    /** A descriptor of a SLOW model. */
    public static ModelDescriptor.Builder descriptor(
            String dataType, String name, long version, long loadMillis, long scoreMillis, double value) {
        return TestDescriptors.custom(TYPE, dataType, name, version, loadMillis + "," + scoreMillis + "," + value);
    }

    @Override
    public Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy)
            throws ModelLoadException {
        String[] parts =
                new String(artifact.bytes(), StandardCharsets.UTF_8).trim().split(",");
        if (parts.length != 3) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "expected loadMillis,scoreMillis,value");
        }
        long loadMillis;
        long scoreMillis;
        double value;
        try {
            loadMillis = Long.parseLong(parts[0]);
            scoreMillis = Long.parseLong(parts[1]);
            value = Double.parseDouble(parts[2]);
        } catch (NumberFormatException e) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "not numbers: " + e.getMessage(), e);
        }
        pause(loadMillis);
        ModelId id = ModelId.of(descriptor, artifact);
        return new Model() {
            @Override
            public ModelId id() {
                return id;
            }

            @Override
            public Prediction score(DataRecord record) throws ScoringException {
                pause(scoreMillis);
                return Prediction.score(value);
            }

            @Override
            public void close() {}
        };
    }

    private static void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pretending to be slow", e);
        }
    }
}
