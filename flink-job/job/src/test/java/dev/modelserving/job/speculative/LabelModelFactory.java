package dev.modelserving.job.speculative;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelFactory;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.ScoringException;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;

/**
 * Test-only model type {@value #TYPE} (registered through ServiceLoader in this module's test resources): a
 * classifier that always answers one label. The artifact is {@code "label,probability,scoreMillis"}: the label, its
 * probability (the other class "other" gets the rest) and how long every score takes (a deliberately slow model).
 */
public final class LabelModelFactory implements ModelFactory {

    public static final String TYPE = "SPECULATIVE_TEST_LABEL";

    @Override
    public String type() {
        return TYPE;
    }

    /** A descriptor of a label model. */
    public static ModelDescriptor descriptor(
            String dataType, String name, long version, String label, double probability, long scoreMillis) {
        return TestDescriptors.custom(TYPE, dataType, name, version, label + "," + probability + "," + scoreMillis)
                .build();
    }

    @Override
    public Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy)
            throws ModelLoadException {
        String[] parts =
                new String(artifact.bytes(), StandardCharsets.UTF_8).trim().split(",");
        if (parts.length != 3) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "expected label,probability,scoreMillis");
        }
        String label = parts[0];
        double probability;
        long scoreMillis;
        try {
            probability = Double.parseDouble(parts[1]);
            scoreMillis = Long.parseLong(parts[2]);
        } catch (NumberFormatException e) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "not numbers: " + e.getMessage(), e);
        }
        ModelId id = ModelId.of(descriptor, artifact);
        return new Model() {
            @Override
            public ModelId id() {
                return id;
            }

            @Override
            public Prediction score(DataRecord record) throws ScoringException {
                if (scoreMillis > 0) {
                    try {
                        Thread.sleep(scoreMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ScoringException("interrupted while pretending to be slow");
                    }
                }
                LinkedHashMap<String, Double> probabilities = new LinkedHashMap<>();
                probabilities.put(label, probability);
                probabilities.put("other", 1 - probability);
                return Prediction.classification(label, probabilities);
            }

            @Override
            public void close() {}
        };
    }
}
