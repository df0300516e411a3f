package dev.modelserving.deploy.bench;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelFactory;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.nio.charset.StandardCharsets;

/**
 * Benchmark-only model type {@value #TYPE}: the "smart but slow" model. The artifact is {@code "scoreMillis,value"};
 * every score sleeps scoreMillis and returns value. Not registered in the product's service files: the benchmark
 * registers it for its own jobs only ({@link SpeculativeBench}).
 */
public final class SleepingModelFactory implements ModelFactory {

    public static final String TYPE = "BENCH_SLEEPING";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy)
            throws ModelLoadException {
        String[] parts =
                new String(artifact.bytes(), StandardCharsets.UTF_8).trim().split(",");
        long scoreMillis;
        double value;
        try {
            scoreMillis = Long.parseLong(parts[0]);
            value = Double.parseDouble(parts[1]);
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "expected scoreMillis,value: " + e, e);
        }
        ModelId id = ModelId.of(descriptor, artifact);
        return new Model() {
            @Override
            public ModelId id() {
                return id;
            }

            @Override
            public Prediction score(DataRecord record) throws ScoringException {
                try {
                    Thread.sleep(scoreMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ScoringException("interrupted while sleeping", e);
                }
                return Prediction.score(value);
            }

            @Override
            public void close() {}
        };
    }
}
