package dev.modelserving.model;

import java.net.URI;

/**
 * Fetches artifacts referenced by a URI that is not a local path ({@code s3://}, {@code hdfs://}, {@code gs://}, ...),
 * typically through a local copy. The serving job implements it with Flink's {@code FileSystem} and a per-TaskManager cache;
 * model-factories stays free of Flink. {@link ArtifactResolver} has already checked the URI against the allowed
 * roots and that the descriptor pins the artifact by SHA-256 before it calls {@link #fetch}.
 */
public interface ArtifactSource {

    /**
     * The bytes at {@code location}, whose SHA-256 is {@code sha256}.
     *
     * @param location the artifact's URI (normalised, allowed)
     * @param sha256 lower-case hex SHA-256 the bytes must have
     * @param maxBytes the largest artifact accepted; a larger one fails with {@link ModelProblem#ARTIFACT_TOO_LARGE}
     *     before more than {@code maxBytes + 1} bytes are read
     * @throws ModelLoadException {@link ModelProblem#CHECKSUM_MISMATCH} when the bytes do not hash to {@code sha256},
     *     {@link ModelProblem#ARTIFACT_NOT_FOUND} when they cannot be read (no such file, no file system for the
     *     scheme), {@link ModelProblem#ARTIFACT_TOO_LARGE}, {@link ModelProblem#RESOURCE_LIMIT} when the local cache
     *     cannot hold it
     */
    byte[] fetch(URI location, String sha256, long maxBytes) throws ModelLoadException;

    /** No remote source: every non-file URI is refused. */
    static ArtifactSource none() {
        return (location, sha256, maxBytes) -> {
            throw new ModelLoadException(
                    ModelProblem.LOCATION_NOT_ALLOWED,
                    "no artifact source for " + location.getScheme() + ": locations only (model-factories on its"
                            + " own reads local files)");
        };
    }
}
