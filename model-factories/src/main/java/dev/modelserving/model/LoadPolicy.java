package dev.modelserving.model;

import dev.modelserving.model.warmup.WarmUpSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Limits and rules applied to every descriptor before its model serves.
 *
 * @param allowedRoots directories under which artifact locations may point; empty: locations are refused
 * @param maxArtifactBytes largest artifact accepted (inline bytes or a file at a location)
 * @param maxUnpackedBytes largest total size of an archive's unpacked content (or of a SavedModel directory)
 * @param maxArchiveEntries most entries an archive may have
 * @param requireValidationSamples refuse descriptors without validation samples
 * @param maxInputElements most values one record may feed a tensor model (TF, ONNX): a record whose shape asks for
 *     more is refused before any tensor is allocated (default {@value #DEFAULT_MAX_INPUT_ELEMENTS}, 16 MiB of floats)
 * @param extraAllowedTfOps TensorFlow op types allowed in a graph on top of the built-in allowlist of computational
 *     ops (see {@code dev.modelserving.model.tensorflow.TfOpPolicy}); e.g. a custom but trusted op
 * @param allowedPmmlFunctions PMML {@code Apply} functions that are neither built-in nor defined by the document but
 *     may still be resolved (JPMML would load them as Java classes by name); empty: none
 * @param allowedUriRoots URI prefixes ({@code s3://bucket/models/}, {@code hdfs://nn:8020/models/}) under which
 *     artifact locations fetched through an {@link ArtifactSource} may point; normalised by
 *     {@link ReferenceUris#root}; empty: remote locations are refused
 * @param warmUp how a candidate is warmed up after it validated, before it becomes current (off in
 *     {@link #defaults()}, so a loader used on its own, e.g. by a CLI, scores nothing more than the samples; the
 *     serving job turns it on with {@code --warm-up-max-ms})
 */
public record LoadPolicy(
        List<Path> allowedRoots,
        long maxArtifactBytes,
        long maxUnpackedBytes,
        int maxArchiveEntries,
        boolean requireValidationSamples,
        long maxInputElements,
        List<String> extraAllowedTfOps,
        List<String> allowedPmmlFunctions,
        List<URI> allowedUriRoots,
        WarmUpSettings warmUp) {

    public static final long DEFAULT_MAX_ARTIFACT_BYTES = 256L * 1024 * 1024;
    public static final long DEFAULT_MAX_UNPACKED_BYTES = 1024L * 1024 * 1024;
    public static final int DEFAULT_MAX_ARCHIVE_ENTRIES = 10_000;
    /** Values per record fed to a tensor model: 4 Mi floats = 16 MiB. */
    public static final long DEFAULT_MAX_INPUT_ELEMENTS = 4L * 1024 * 1024;
    /** The largest {@link #maxInputElements()} accepted: one record's doubles must fit a direct buffer. */
    public static final long MAX_INPUT_ELEMENTS_LIMIT = (Integer.MAX_VALUE - 8) / Double.BYTES;

    public LoadPolicy {
        allowedRoots = List.copyOf(allowedRoots);
        extraAllowedTfOps = List.copyOf(extraAllowedTfOps);
        allowedPmmlFunctions = List.copyOf(allowedPmmlFunctions);
        allowedUriRoots = allowedUriRoots.stream().map(ReferenceUris::root).toList();
        Objects.requireNonNull(warmUp, "warmUp");
        if (maxArtifactBytes <= 0 || maxUnpackedBytes <= 0 || maxArchiveEntries <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (maxInputElements <= 0 || maxInputElements > MAX_INPUT_ELEMENTS_LIMIT) {
            throw new IllegalArgumentException(
                    "maxInputElements must be in [1, " + MAX_INPUT_ELEMENTS_LIMIT + "]: " + maxInputElements);
        }
    }

    /** The policy with these limits and the default input cap, op allowlist and PMML functions. */
    public LoadPolicy(
            List<Path> allowedRoots,
            long maxArtifactBytes,
            long maxUnpackedBytes,
            int maxArchiveEntries,
            boolean requireValidationSamples) {
        this(
                allowedRoots,
                maxArtifactBytes,
                maxUnpackedBytes,
                maxArchiveEntries,
                requireValidationSamples,
                DEFAULT_MAX_INPUT_ELEMENTS,
                List.of(),
                List.of(),
                List.of(),
                WarmUpSettings.off());
    }

    /** Default limits, no allowed locations, validation samples optional. */
    public static LoadPolicy defaults() {
        return new LoadPolicy(
                List.of(), DEFAULT_MAX_ARTIFACT_BYTES, DEFAULT_MAX_UNPACKED_BYTES, DEFAULT_MAX_ARCHIVE_ENTRIES, false);
    }

    public LoadPolicy withAllowedRoots(List<Path> roots) {
        return new LoadPolicy(
                roots,
                maxArtifactBytes,
                maxUnpackedBytes,
                maxArchiveEntries,
                requireValidationSamples,
                maxInputElements,
                extraAllowedTfOps,
                allowedPmmlFunctions,
                allowedUriRoots,
                warmUp);
    }

    public LoadPolicy withMaxArtifactBytes(long bytes) {
        return new LoadPolicy(
                allowedRoots,
                bytes,
                maxUnpackedBytes,
                maxArchiveEntries,
                requireValidationSamples,
                maxInputElements,
                extraAllowedTfOps,
                allowedPmmlFunctions,
                allowedUriRoots,
                warmUp);
    }

    public LoadPolicy withMaxUnpackedBytes(long bytes) {
        return new LoadPolicy(
                allowedRoots,
                maxArtifactBytes,
                bytes,
                maxArchiveEntries,
                requireValidationSamples,
                maxInputElements,
                extraAllowedTfOps,
                allowedPmmlFunctions,
                allowedUriRoots,
                warmUp);
    }

    public LoadPolicy withMaxArchiveEntries(int entries) {
        return new LoadPolicy(
                allowedRoots,
                maxArtifactBytes,
                maxUnpackedBytes,
                entries,
                requireValidationSamples,
                maxInputElements,
                extraAllowedTfOps,
                allowedPmmlFunctions,
                allowedUriRoots,
                warmUp);
    }

    public LoadPolicy withRequireValidationSamples(boolean required) {
        return new LoadPolicy(
                allowedRoots,
                maxArtifactBytes,
                maxUnpackedBytes,
                maxArchiveEntries,
                required,
                maxInputElements,
                extraAllowedTfOps,
                allowedPmmlFunctions,
                allowedUriRoots,
                warmUp);
    }

    /** The policy with another cap on the values one record may feed a tensor model. */
    public LoadPolicy withMaxInputElements(long elements) {
        return new LoadPolicy(
                allowedRoots,
                maxArtifactBytes,
                maxUnpackedBytes,
                maxArchiveEntries,
                requireValidationSamples,
                elements,
                extraAllowedTfOps,
                allowedPmmlFunctions,
                allowedUriRoots,
                warmUp);
    }

    /** The policy with these TensorFlow op types allowed on top of the built-in allowlist. */
    public LoadPolicy withExtraAllowedTfOps(List<String> ops) {
        return new LoadPolicy(
                allowedRoots,
                maxArtifactBytes,
                maxUnpackedBytes,
                maxArchiveEntries,
                requireValidationSamples,
                maxInputElements,
                ops,
                allowedPmmlFunctions,
                allowedUriRoots,
                warmUp);
    }

    /** The policy with these non-built-in PMML functions allowed. */
    public LoadPolicy withAllowedPmmlFunctions(List<String> functions) {
        return new LoadPolicy(
                allowedRoots,
                maxArtifactBytes,
                maxUnpackedBytes,
                maxArchiveEntries,
                requireValidationSamples,
                maxInputElements,
                extraAllowedTfOps,
                functions,
                allowedUriRoots,
                warmUp);
    }

    /** The policy with these URI roots for artifacts fetched through an {@link ArtifactSource}. */
    public LoadPolicy withAllowedUriRoots(List<URI> roots) {
        return new LoadPolicy(
                allowedRoots,
                maxArtifactBytes,
                maxUnpackedBytes,
                maxArchiveEntries,
                requireValidationSamples,
                maxInputElements,
                extraAllowedTfOps,
                allowedPmmlFunctions,
                roots,
                warmUp);
    }

    /** The policy with another warm-up. */
    public LoadPolicy withWarmUp(WarmUpSettings settings) {
        return new LoadPolicy(
                allowedRoots,
                maxArtifactBytes,
                maxUnpackedBytes,
                maxArchiveEntries,
                requireValidationSamples,
                maxInputElements,
                extraAllowedTfOps,
                allowedPmmlFunctions,
                allowedUriRoots,
                settings);
    }
}
