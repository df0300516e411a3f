package dev.modelserving.deploy.bench;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelFactory;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.Prediction;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.nio.charset.StandardCharsets;

/**
 * Benchmark-only model type {@value #TYPE}: the no-op model. The artifact is a number; every score returns it
 * without looking at the record, so a job serving it measures the serving path (parsing, keying, the serving
 * operator, writing results) with a model that costs nothing. Not registered in the product's service files: the
 * benchmark registers it for its own jobs only ({@link BenchModelTypes}).
 */
public final class ConstantModelFactory implements ModelFactory {

    public static final String TYPE = "BENCH_CONSTANT";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy)
            throws ModelLoadException {
        double value;
        try {
            value = Double.parseDouble(new String(artifact.bytes(), StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "expected a number: " + e.getMessage(), e);
        }
        ModelId id = ModelId.of(descriptor, artifact);
        Prediction prediction = Prediction.score(value);
        return new Model() {
            @Override
            public ModelId id() {
                return id;
            }

            @Override
            public Prediction score(DataRecord record) {
                return prediction;
            }

            @Override
            public void close() {}
        };
    }
}
