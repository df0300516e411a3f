package dev.modelserving.model;

import com.google.protobuf.CodedOutputStream;
import dev.modelserving.model.archive.UnpackedBytesBudget;
import dev.modelserving.model.serving.SharedModels;
import dev.modelserving.model.warmup.ModelWarmUp;
import dev.modelserving.model.warmup.WarmUpReport;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one way a descriptor becomes a serving model: check the descriptor, resolve and check the artifact, build it
 * with its factory, then validate it against its samples. A model that fails any step is closed before the
 * exception leaves. Archives unpacked by the factories draw from one {@link UnpackedBytesBudget} per loader (one
 * loader per operator instance: the budget is per subtask, not per model).
 *
 * <p>{@link #loadAndWarmUp} is what the serving slots use: it also warms the validated model up (see
 * {@link ModelWarmUp}) and, when the loader has a {@link SharedModels} registry, shares one instance per exact
 * descriptor among every loader using that registry (the build, validation and warm-up run once). Remote locations
 * are fetched through the loader's {@link ArtifactSource}.
 */
public final class ModelLoader {

    private final ModelFactories factories;
    private final ArtifactResolver resolver;
    private final UnpackedBytesBudget unpackedBytes;
    private final SharedModels shared;

    /** A loader without a shared bound on unpacked bytes (each archive is still bounded by the policy). */
    public ModelLoader(ModelFactories factories, LoadPolicy policy) {
        this(factories, policy, UnpackedBytesBudget.unlimited());
    }

    /** A loader whose models' unpacked archives together stay within {@code unpackedBytes}. */
    public ModelLoader(ModelFactories factories, LoadPolicy policy, UnpackedBytesBudget unpackedBytes) {
        this(factories, policy, unpackedBytes, ArtifactSource.none(), null);
    }

    /**
     * A loader that fetches remote locations through {@code source} and shares live instances through
     * {@code shared} (null: every load builds its own instance).
     */
    public ModelLoader(
            ModelFactories factories,
            LoadPolicy policy,
            UnpackedBytesBudget unpackedBytes,
            ArtifactSource source,
            SharedModels shared) {
        this.factories = factories;
        this.resolver = new ArtifactResolver(policy, source);
        this.unpackedBytes = java.util.Objects.requireNonNull(unpackedBytes, "unpackedBytes");
        this.shared = shared;
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

    /**
     * Loads, validates and warms up a descriptor's model, for serving: through the shared registry when this loader
     * has one (the model is then a lease; closing it releases the shared instance).
     */
    public LoadedModel loadAndWarmUp(ModelDescriptor descriptor) throws ModelLoadException {
        if (shared == null) {
            return buildAndWarmUp(descriptor);
        }
        checkDescriptor(descriptor);
        try {
            return shared.acquire(sharingKeyOf(descriptor), () -> buildAndWarmUp(descriptor));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelLoadException(
                    ModelProblem.TIMEOUT,
                    "interrupted while waiting for the shared instance of " + descriptor.getName() + "@"
                            + descriptor.getVersion());
        }
    }

    private LoadedModel buildAndWarmUp(ModelDescriptor descriptor) throws ModelLoadException {
        Model model = load(descriptor);
        try {
            WarmUpReport warmUp = new ModelWarmUp(policy().warmUp()).warmUp(model, descriptor);
            return new LoadedModel(model, warmUp, false);
        } catch (RuntimeException | Error e) {
            model.close();
            throw e;
        }
    }

    /**
     * What identifies an instance that may be shared: the policy it was checked under and the SHA-256 of the
     * descriptor's deterministic serialization without its origin (the same descriptor consumed by several
     * subtasks, or again after a restore, shares one instance; any other difference builds another).
     */
    public String sharingKeyOf(ModelDescriptor descriptor) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (DigestOutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
                CodedOutputStream coded = CodedOutputStream.newInstance(out);
                coded.useDeterministicSerialization();
                descriptor.toBuilder().clearOrigin().build().writeTo(coded);
                coded.flush();
            }
            return descriptor.getDataType() + "/" + descriptor.getName() + "@" + descriptor.getVersion() + "/"
                    + HexFormat.of().formatHex(digest.digest()) + "/" + policy().hashCode();
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot hash a descriptor in memory", e);
        }
    }

    /** Loads and validates a descriptor's model (no warm-up, no sharing): the caller owns and closes it. */
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
