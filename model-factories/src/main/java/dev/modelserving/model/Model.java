package dev.modelserving.model;

import dev.modelserving.proto.DataRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * A live model built from a {@link dev.modelserving.proto.ModelDescriptor}: scores records until closed.
 *
 * <p>Instances hold native or heavy resources (TF sessions, ONNX sessions, JPMML evaluators) and must be closed
 * when they stop serving. A model is used by one thread at a time; callers that share one across threads
 * synchronise themselves.
 */
public interface Model extends AutoCloseable {

    /** Which model this is: data type, name, version, artifact hash. */
    ModelId id();

    /**
     * Scores one record.
     *
     * @throws ScoringException when the record does not fit the model (missing or NaN feature, wrong shape) or the
     *     evaluator fails on it; the model stays usable.
     */
    Prediction score(DataRecord record) throws ScoringException;

    /**
     * Scores several records, one outcome per record in the same order. Runtimes that can score a batch in one native
     * call (TensorFlow, ONNX) override this; the default scores one record after the other. A record that cannot be
     * scored gets a failed outcome and does not affect the others.
     */
    default List<Scored> scoreBatch(List<DataRecord> records) {
        List<Scored> outcomes = new ArrayList<>(records.size());
        for (DataRecord record : records) {
            try {
                outcomes.add(Scored.of(score(record)));
            } catch (ScoringException e) {
                outcomes.add(Scored.failed(e));
            }
        }
        return outcomes;
    }

    /** Releases the model's resources; idempotent. */
    @Override
    void close();
}
