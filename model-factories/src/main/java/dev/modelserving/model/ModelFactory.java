package dev.modelserving.model;

import dev.modelserving.model.archive.UnpackedBytesBudget;
import dev.modelserving.proto.ModelDescriptor;

/**
 * Builds models of one type. Implementations are found with {@link java.util.ServiceLoader} (list them in
 * {@code META-INF/services/dev.modelserving.model.ModelFactory}), need a public no-argument constructor and must be
 * stateless: one factory serves every descriptor of its type.
 */
public interface ModelFactory {

    /**
     * The type this factory serves: a {@link dev.modelserving.proto.ModelType} name ("PMML", "ONNX", ...) or, for
     * {@code CUSTOM} descriptors, the descriptor's {@code custom_type}.
     */
    String type();

    /**
     * Builds a model from a descriptor and its resolved artifact. Checks that the descriptor's input/output spec
     * matches the model; validation samples are checked afterwards by {@link ModelLoader}.
     *
     * @throws ModelLoadException with {@link ModelProblem#INVALID_ARTIFACT}, {@link ModelProblem#SPEC_MISMATCH},
     *     {@link ModelProblem#UNSAFE_ARCHIVE} or {@link ModelProblem#ARTIFACT_TOO_LARGE}; nothing is left open
     */
    Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy) throws ModelLoadException;

    /**
     * Builds a model whose unpacked files (if the factory writes any) are drawn from the subtask's shared budget of
     * unpacked bytes and given back when the model closes. {@link ModelLoader} calls this one; factories that
     * unpack nothing need not override it.
     *
     * @throws ModelLoadException as {@link #create(ModelDescriptor, ModelArtifact, LoadPolicy)}, or
     *     {@link ModelProblem#RESOURCE_LIMIT} when the budget would be passed
     */
    default Model create(
            ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy, UnpackedBytesBudget unpackedBytes)
            throws ModelLoadException {
        return create(descriptor, artifact, policy);
    }
}
