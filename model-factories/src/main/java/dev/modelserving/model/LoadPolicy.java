package dev.modelserving.model;

import java.nio.file.Path;
import java.util.List;

/**
 * Limits and rules applied to every descriptor before its model serves.
 *
 * @param allowedRoots directories under which artifact locations may point; empty: locations are refused
 * @param maxArtifactBytes largest artifact accepted (inline bytes or a file at a location)
 * @param maxUnpackedBytes largest total size of an archive's unpacked content (or of a SavedModel directory)
 * @param maxArchiveEntries most entries an archive may have
 * @param requireValidationSamples refuse descriptors without validation samples
 */
public record LoadPolicy(
        List<Path> allowedRoots,
        long maxArtifactBytes,
        long maxUnpackedBytes,
        int maxArchiveEntries,
        boolean requireValidationSamples) {

    public static final long DEFAULT_MAX_ARTIFACT_BYTES = 256L * 1024 * 1024;
    public static final long DEFAULT_MAX_UNPACKED_BYTES = 1024L * 1024 * 1024;
    public static final int DEFAULT_MAX_ARCHIVE_ENTRIES = 10_000;

    public LoadPolicy {
        allowedRoots = List.copyOf(allowedRoots);
        if (maxArtifactBytes <= 0 || maxUnpackedBytes <= 0 || maxArchiveEntries <= 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    /** Default limits, no allowed locations, validation samples optional. */
    public static LoadPolicy defaults() {
        return new LoadPolicy(
                List.of(), DEFAULT_MAX_ARTIFACT_BYTES, DEFAULT_MAX_UNPACKED_BYTES, DEFAULT_MAX_ARCHIVE_ENTRIES, false);
    }

    public LoadPolicy withAllowedRoots(List<Path> roots) {
        return new LoadPolicy(roots, maxArtifactBytes, maxUnpackedBytes, maxArchiveEntries, requireValidationSamples);
    }

    public LoadPolicy withMaxArtifactBytes(long bytes) {
        return new LoadPolicy(allowedRoots, bytes, maxUnpackedBytes, maxArchiveEntries, requireValidationSamples);
    }

    public LoadPolicy withMaxUnpackedBytes(long bytes) {
        return new LoadPolicy(allowedRoots, maxArtifactBytes, bytes, maxArchiveEntries, requireValidationSamples);
    }

    public LoadPolicy withMaxArchiveEntries(int entries) {
        return new LoadPolicy(allowedRoots, maxArtifactBytes, maxUnpackedBytes, entries, requireValidationSamples);
    }

    public LoadPolicy withRequireValidationSamples(boolean required) {
        return new LoadPolicy(allowedRoots, maxArtifactBytes, maxUnpackedBytes, maxArchiveEntries, required);
    }
}
