package dev.modelserving.model;

import dev.modelserving.model.archive.UnpackedBytesBudget;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;

/**
 * The one way a descriptor becomes a serving model: check the descriptor, resolve and check the artifact, build it
 * with its factory, then validate it against its samples. A model that fails any step is closed before the
 * exception leaves. Archives unpacked by the factories draw from one {@link UnpackedBytesBudget} per loader (one
 * loader per operator instance: the budget is per subtask, not per model).
 */
public final class ModelLoader {

    private final ModelFactories factories;
    private final ArtifactResolver resolver;
    private final UnpackedBytesBudget unpackedBytes;

    /** A loader without a shared bound on unpacked bytes (each archive is still bounded by the policy). */
    public ModelLoader(ModelFactories factories, LoadPolicy policy) {
        this(factories, policy, UnpackedBytesBudget.unlimited());
    }

    /** A loader whose models' unpacked archives together stay within {@code unpackedBytes}. */
    public ModelLoader(ModelFactories factories, LoadPolicy policy, UnpackedBytesBudget unpackedBytes) {
        this.factories = factories;
        this.resolver = new ArtifactResolver(policy);
        this.unpackedBytes = java.util.Objects.requireNonNull(unpackedBytes, "unpackedBytes");
    }

    /** The budget of unpacked bytes shared by every model this loader builds. */
    public UnpackedBytesBudget unpackedBytes() {
        return unpackedBytes;
    }

    /** Factories found with ServiceLoader in this class's loader. */
    public static ModelLoader withDiscoveredFactories(LoadPolicy policy) {
        return new ModelLoader(ModelFactories.discover(ModelLoader.class.getClassLoader()), policy);
    }

    public LoadPolicy policy() {
        return resolver.policy();
    }

    public ModelFactories factories() {
        return factories;
    }

    public Model load(ModelDescriptor descriptor) throws ModelLoadException {
        checkDescriptor(descriptor);
        ModelFactory factory = factories.forDescriptor(descriptor);
        ModelArtifact artifact = resolver.resolve(descriptor);
        Model model;
        try {
            model = factory.create(descriptor, artifact, resolver.policy(), unpackedBytes);
        } catch (ModelLoadException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "the " + factory.type() + " library could not load the artifact: " + e,
                    e);
        }
        try {
            ModelValidator.validate(model, descriptor);
        } catch (ModelLoadException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** Descriptor-level checks that need no artifact. */
    public void checkDescriptor(ModelDescriptor d) throws ModelLoadException {
        if (d.getName().isBlank()) {
            throw new ModelLoadException(ModelProblem.INVALID_DESCRIPTOR, "descriptor has no name");
        }
        if (d.getDataType().isBlank()) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_DESCRIPTOR, "descriptor " + d.getName() + " has no data_type");
        }
        if (d.getVersion() < 1) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_DESCRIPTOR,
                    "descriptor " + d.getName() + " has version " + d.getVersion() + "; versions start at 1");
        }
        if (d.getAction() != ModelAction.DEPLOY) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_DESCRIPTOR,
                    "descriptor " + d.getName() + " is a " + d.getAction() + " command, not a model to load");
        }
        if (d.getModelType() == ModelType.MODEL_TYPE_UNSPECIFIED || d.getModelType() == ModelType.UNRECOGNIZED) {
            throw new ModelLoadException(
                    ModelProblem.UNKNOWN_MODEL_TYPE, "descriptor " + d.getName() + " has no model_type");
        }
        if (d.getModelType() == ModelType.CUSTOM && d.getCustomType().isBlank()) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_DESCRIPTOR, "descriptor " + d.getName() + " is CUSTOM but has no custom_type");
        }
        if (resolver.policy().requireValidationSamples() && d.getValidationSamplesCount() == 0) {
            throw new ModelLoadException(
                    ModelProblem.VALIDATION_FAILED,
                    "descriptor " + d.getName() + " has no validation samples and this job requires them");
        }
    }
}
