package dev.modelserving.model;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only model type "CONSTANT" (registered through ServiceLoader in test resources): the artifact is a decimal
 * number as text; the model returns it plus the sum of the record's features. Counts open models to check closing.
 */
public final class ConstantModelFactory implements ModelFactory {

    public static final String TYPE = "CONSTANT";

    private final AtomicInteger open = new AtomicInteger();

    @Override
    public String type() {
        return TYPE;
    }

    public int openModels() {
        return open.get();
    }

    @Override
    public Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy)
            throws ModelLoadException {
        double constant;
        try {
            constant = Double.parseDouble(new String(artifact.bytes(), StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "not a number", e);
        }
        return new CountedModel(ModelId.of(descriptor, artifact), open) {
            @Override
            public Prediction score(DataRecord record) throws ScoringException {
                double sum = constant;
                for (double v : record.getFeaturesMap().values()) {
                    if (Double.isNaN(v)) {
                        throw new ScoringException("NaN feature");
                    }
                    sum += v;
                }
                return Prediction.score(sum);
            }
        };
    }
}
