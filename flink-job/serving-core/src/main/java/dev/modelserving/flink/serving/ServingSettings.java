package dev.modelserving.flink.serving;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ReferenceUris;
import dev.modelserving.model.drift.DriftSettings;
import dev.modelserving.model.serving.ServingBounds;
import dev.modelserving.model.warmup.WarmUpSettings;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The serializable part of the serving configuration that travels with the serving functions to the task managers
 * ({@link LoadPolicy} holds paths, which are not serializable).
 *
 * @param allowedRoots directories artifact locations may point into, and URI roots ({@code s3://bucket/models/})
 *     remote locations may point under
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
 * @param warmUpMaxMillis most milliseconds a candidate is warmed up before it becomes current (0: off)
 * @param modelCacheDir local directory of the TaskManager's artifact cache (empty: under {@code java.io.tmpdir})
 * @param modelCacheMaxBytes bound of that cache
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
        long warmUpMaxMillis,
        String modelCacheDir,
        long modelCacheMaxBytes,
        BatchSettings batching)
        implements Serializable {

    private static final long serialVersionUID = 5L;

    public ServingSettings {
        allowedRoots = List.copyOf(allowedRoots);
        Objects.requireNonNull(bounds, "bounds");
        extraAllowedTfOps = List.copyOf(extraAllowedTfOps);
        allowedPmmlFunctions = List.copyOf(allowedPmmlFunctions);
        Objects.requireNonNull(drift, "drift");
        Objects.requireNonNull(modelCacheDir, "modelCacheDir");
        if (warmUpMaxMillis < 0 || modelCacheMaxBytes <= 0) {
            throw new IllegalArgumentException("warmUpMaxMillis must be >= 0 and modelCacheMaxBytes > 0");
        }
        Objects.requireNonNull(batching, "batching");
    }

    /** Default bounds, except {@code loaderThreads} loads at once. */
    public static ServingSettings of(LoadPolicy policy, int maxHistory, int loaderThreads) {
        return of(policy, maxHistory, ServingBounds.defaults().withMaxConcurrentLoads(loaderThreads));
    }

    public static ServingSettings of(LoadPolicy policy, int maxHistory, ServingBounds bounds) {
        return new ServingSettings(
                java.util.stream.Stream.concat(
                                policy.allowedRoots().stream().map(Path::toString),
                                policy.allowedUriRoots().stream().map(java.net.URI::toString))
                        .toList(),
                policy.maxArtifactBytes(),
                policy.maxUnpackedBytes(),
                policy.maxArchiveEntries(),
                policy.requireValidationSamples(),
                maxHistory,
                bounds,
                policy.maxInputElements(),
                policy.extraAllowedTfOps(),
                policy.allowedPmmlFunctions(),
                DriftSettings.defaults(),
                policy.warmUp().maxMillis(),
                "",
                dev.modelserving.flink.artifacts.ModelDistributionOptions.DEFAULT_MODEL_CACHE_MAX_BYTES,
                BatchSettings.off());
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
                warmUpMaxMillis,
                modelCacheDir,
                modelCacheMaxBytes,
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
                warmUpMaxMillis,
                modelCacheDir,
                modelCacheMaxBytes,
                batching);
    }

    /** The same settings with another local artifact cache. */
    public ServingSettings withModelCache(String directory, long maxBytes) {
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
                warmUpMaxMillis,
                directory,
                maxBytes,
                batching);
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
                warmUpMaxMillis,
                modelCacheDir,
                modelCacheMaxBytes,
                other);
    }

    public LoadPolicy loadPolicy() {
        return new LoadPolicy(
                        allowedRoots.stream()
                                .filter(root -> !ReferenceUris.isRemote(root))
                                .map(Path::of)
                                .toList(),
                        maxArtifactBytes,
                        maxUnpackedBytes,
                        maxArchiveEntries,
                        requireValidationSamples)
                .withMaxInputElements(maxInputElements)
                .withExtraAllowedTfOps(extraAllowedTfOps)
                .withAllowedPmmlFunctions(allowedPmmlFunctions)
                .withAllowedUriRoots(allowedRoots.stream()
                        .filter(ReferenceUris::isRemote)
                        .map(java.net.URI::create)
                        .toList())
                .withWarmUp(WarmUpSettings.defaults().withMaxMillis(warmUpMaxMillis));
    }
}
