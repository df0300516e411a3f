package dev.modelserving.flink.serving;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.drift.DriftSettings;
import dev.modelserving.model.serving.ServingBounds;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The serializable part of the serving configuration that travels with the serving functions to the task managers
 * ({@link LoadPolicy} holds paths, which are not serializable).
 *
 * @param allowedRoots directories artifact locations may point into
 * @param maxArtifactBytes largest artifact accepted
 * @param maxUnpackedBytes largest unpacked archive accepted
 * @param maxArchiveEntries most entries in an archive
 * @param requireValidationSamples refuse descriptors without validation samples
 * @param maxHistory earlier versions kept per slot for rollback
 * @param bounds the resource bounds of each operator instance (live models, data types, executor queues, unpacked
 *     bytes, load deadline and concurrency, restore wait)
 * @param maxInputElements most values one record may feed a tensor model
 * @param extraAllowedTfOps TensorFlow op types allowed on top of the built-in allowlist
 * @param allowedPmmlFunctions non-built-in PMML functions allowed
 * @param drift how the slots watch the drift of models that carry training statistics
 * @param batching how the serving operators batch records ({@link BatchSettings#off()} unless set with
 *     {@link #withBatching})
 */
public record ServingSettings(
        List<String> allowedRoots,
        long maxArtifactBytes,
        long maxUnpackedBytes,
        int maxArchiveEntries,
        boolean requireValidationSamples,
        int maxHistory,
        ServingBounds bounds,
        long maxInputElements,
        List<String> extraAllowedTfOps,
        List<String> allowedPmmlFunctions,
        DriftSettings drift,
        BatchSettings batching)
        implements Serializable {

    private static final long serialVersionUID = 4L;

    public ServingSettings {
        allowedRoots = List.copyOf(allowedRoots);
        Objects.requireNonNull(bounds, "bounds");
        extraAllowedTfOps = List.copyOf(extraAllowedTfOps);
        allowedPmmlFunctions = List.copyOf(allowedPmmlFunctions);
        Objects.requireNonNull(drift, "drift");
        Objects.requireNonNull(batching, "batching");
    }

    /** Settings without batching. */
    public ServingSettings(
            List<String> allowedRoots,
            long maxArtifactBytes,
            long maxUnpackedBytes,
            int maxArchiveEntries,
            boolean requireValidationSamples,
            int maxHistory,
            ServingBounds bounds,
            long maxInputElements,
            List<String> extraAllowedTfOps,
            List<String> allowedPmmlFunctions,
            DriftSettings drift) {
        this(
                allowedRoots,
                maxArtifactBytes,
                maxUnpackedBytes,
                maxArchiveEntries,
                requireValidationSamples,
                maxHistory,
                bounds,
                maxInputElements,
                extraAllowedTfOps,
                allowedPmmlFunctions,
                drift,
                BatchSettings.off());
    }

    /** The same settings with another batching. */
    public ServingSettings withBatching(BatchSettings other) {
        return new ServingSettings(
                allowedRoots,
                maxArtifactBytes,
                maxUnpackedBytes,
                maxArchiveEntries,
                requireValidationSamples,
                maxHistory,
                bounds,
                maxInputElements,
                extraAllowedTfOps,
                allowedPmmlFunctions,
                drift,
                other);
    }

    /** Default bounds, except {@code loaderThreads} loads at once. */
    public static ServingSettings of(LoadPolicy policy, int maxHistory, int loaderThreads) {
        return of(policy, maxHistory, ServingBounds.defaults().withMaxConcurrentLoads(loaderThreads));
    }

    public static ServingSettings of(LoadPolicy policy, int maxHistory, ServingBounds bounds) {
        return new ServingSettings(
                policy.allowedRoots().stream().map(Path::toString).toList(),
                policy.maxArtifactBytes(),
                policy.maxUnpackedBytes(),
                policy.maxArchiveEntries(),
                policy.requireValidationSamples(),
                maxHistory,
                bounds,
                policy.maxInputElements(),
                policy.extraAllowedTfOps(),
                policy.allowedPmmlFunctions(),
                DriftSettings.defaults());
    }

    /** Defaults: no locations allowed, default limits and bounds, history of 3. */
    public static ServingSettings defaults() {
        return of(
                LoadPolicy.defaults(),
                dev.modelserving.model.serving.SlotSettings.DEFAULT_MAX_HISTORY,
                ServingBounds.defaults());
    }

    /** The same settings with other resource bounds. */
    public ServingSettings withBounds(ServingBounds other) {
        return new ServingSettings(
                allowedRoots,
                maxArtifactBytes,
                maxUnpackedBytes,
                maxArchiveEntries,
                requireValidationSamples,
                maxHistory,
                other,
                maxInputElements,
                extraAllowedTfOps,
                allowedPmmlFunctions,
                drift,
                batching);
    }

    /** The same settings with other drift settings. */
    public ServingSettings withDrift(DriftSettings other) {
        return new ServingSettings(
                allowedRoots,
                maxArtifactBytes,
                maxUnpackedBytes,
                maxArchiveEntries,
                requireValidationSamples,
                maxHistory,
                bounds,
                maxInputElements,
                extraAllowedTfOps,
                allowedPmmlFunctions,
                other,
                batching);
    }

    public LoadPolicy loadPolicy() {
        return new LoadPolicy(
                        allowedRoots.stream().map(Path::of).toList(),
                        maxArtifactBytes,
                        maxUnpackedBytes,
                        maxArchiveEntries,
                        requireValidationSamples)
                .withMaxInputElements(maxInputElements)
                .withExtraAllowedTfOps(extraAllowedTfOps)
                .withAllowedPmmlFunctions(allowedPmmlFunctions);
    }
}
