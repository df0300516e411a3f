package dev.modelserving.model.pmml;

import dev.modelserving.model.Model;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import java.util.Map;
import org.jpmml.evaluator.Evaluator;
import org.jpmml.evaluator.FieldValue;
import org.jpmml.model.PMMLException;

/**
 * A PMML model serving records: binds record features to the model's active fields, evaluates with JPMML and decodes
 * the target field. Built by {@link PmmlModelFactory}.
 */
public final class PmmlModel implements Model {

    private final ModelId id;
    private final PmmlInputBinding inputs;
    private final PmmlTargetDecoder target;
    private Evaluator evaluator;

    PmmlModel(ModelId id, Evaluator evaluator, PmmlInputBinding inputs, PmmlTargetDecoder target) {
        this.id = id;
        this.evaluator = evaluator;
        this.inputs = inputs;
        this.target = target;
    }

    @Override
    public ModelId id() {
        return id;
    }

    /** Each active PMML field and the record feature that feeds it, in the model's field order. */
    public Map<String, String> recordFeatureByField() {
        return inputs.recordFeatureByField();
    }

    /** The target field whose value this model reports. */
    public String targetField() {
        return target.targetName();
    }

    /** Whether predictions are classifications (a categorical target) rather than scores. */
    public boolean isClassifier() {
        return target.isClassification();
    }

    @Override
    public Prediction score(DataRecord record) throws ScoringException {
        Evaluator current = evaluator;
        if (current == null) {
            throw new IllegalStateException("PMML model " + id + " is closed");
        }
        Map<String, FieldValue> arguments = inputs.arguments(record);
        Map<String, ?> results;
        try {
            results = current.evaluate(arguments);
        } catch (PMMLException e) {
            throw new ScoringException("PMML evaluation failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ScoringException("PMML evaluation failed: " + e, e);
        }
        return target.decode(results);
    }

    /** Drops the evaluator (JPMML holds no native resources); idempotent. */
    @Override
    public void close() {
        evaluator = null;
    }

    @Override
    public String toString() {
        return "PmmlModel{" + id + ", target=" + target.targetName() + ", inputs=" + inputs.recordFeatureByField()
                + "}";
    }
}
