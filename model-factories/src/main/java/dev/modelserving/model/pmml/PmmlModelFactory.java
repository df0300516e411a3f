package dev.modelserving.model.pmml;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelFactory;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.proto.ModelDescriptor;
import org.jpmml.evaluator.Evaluator;

/**
 * Builds {@link PmmlModel}s from PMML documents with JPMML-Evaluator (AGPL-3.0): any model family JPMML evaluates
 * (regression, trees, MiningModel ensembles, neural networks, ...).
 *
 * <p>At load: the document is parsed (DOCTYPEs refused), the evaluator built and verified against the document's own
 * ModelVerification, the model's active fields bound to record features ({@code input.field_mapping}, else the
 * field's own name) and the target chosen ({@code output.target_field}, else the first). Stateless.
 *
 * <p>Before the evaluator is built, every {@code Apply} function must be a PMML built-in, a function the document
 * defines, or one the deployment allows ({@code --allow-pmml-functions}): JPMML resolves any other name by loading a
 * Java class of that name ({@link PmmlFunctionCheck}).
 */
public final class PmmlModelFactory implements ModelFactory {

    /** The {@link dev.modelserving.proto.ModelType} this factory serves. */
    public static final String TYPE = "PMML";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy)
            throws ModelLoadException {
        if (artifact.isDirectory()) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "a PMML model is one XML document, but the" + " artifact of " + descriptor.getName()
                            + " is the directory " + artifact.directory());
        }
        Evaluator evaluator = PmmlEvaluatorLoader.load(artifact.bytes(), policy.allowedPmmlFunctions());
        PmmlInputBinding inputs = PmmlInputBinding.bind(
                evaluator.getActiveFields(), descriptor.getInput().getFieldMappingList());
        PmmlTargetDecoder target = PmmlTargetDecoder.select(evaluator.getTargetFields(), descriptor.getOutput());
        return new PmmlModel(ModelId.of(descriptor, artifact), evaluator, inputs, target);
    }
}
