package dev.modelserving.flink.serving;

import dev.modelserving.model.LoadPolicy;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

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
 * @param loaderThreads threads per operator instance that load candidates off the scoring thread
 * @param maxInputElements most values one record may feed a tensor model
 * @param extraAllowedTfOps TensorFlow op types allowed on top of the built-in allowlist
 * @param allowedPmmlFunctions non-built-in PMML functions allowed
 */
public record ServingSettings(
        List<String> allowedRoots,
        long maxArtifactBytes,
        long maxUnpackedBytes,
        int maxArchiveEntries,
        boolean requireValidationSamples,
        int maxHistory,
        int loaderThreads,
        long maxInputElements,
        List<String> extraAllowedTfOps,
        List<String> allowedPmmlFunctions) implements Serializable {

    private static final long serialVersionUID = 1L;

    public ServingSettings {
        allowedRoots = List.copyOf(allowedRoots);
        extraAllowedTfOps = List.copyOf(extraAllowedTfOps);
        allowedPmmlFunctions = List.copyOf(allowedPmmlFunctions);
        if (loaderThreads < 1) {
            throw new IllegalArgumentException("loaderThreads must be >= 1");
        }
    }

    public static ServingSettings of(LoadPolicy policy, int maxHistory, int loaderThreads) {
        return new ServingSettings(
                policy.allowedRoots().stream().map(Path::toString).toList(),
                policy.maxArtifactBytes(),
                policy.maxUnpackedBytes(),
                policy.maxArchiveEntries(),
                policy.requireValidationSamples(),
                maxHistory,
                loaderThreads,
                policy.maxInputElements(),
                policy.extraAllowedTfOps(),
                policy.allowedPmmlFunctions());
    }

    /** Defaults: no locations allowed, default limits, history of 3, one loader thread. */
    public static ServingSettings defaults() {
        return of(LoadPolicy.defaults(), dev.modelserving.model.serving.SlotSettings.DEFAULT_MAX_HISTORY, 1);
    }

    public LoadPolicy loadPolicy() {
        return new LoadPolicy(allowedRoots.stream().map(Path::of).toList(), maxArtifactBytes, maxUnpackedBytes,
                maxArchiveEntries, requireValidationSamples)
                .withMaxInputElements(maxInputElements)
                .withExtraAllowedTfOps(extraAllowedTfOps)
                .withAllowedPmmlFunctions(allowedPmmlFunctions);
    }
}
