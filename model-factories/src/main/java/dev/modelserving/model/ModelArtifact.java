package dev.modelserving.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A resolved artifact: either its bytes (inline, or read from a file location) or a directory (an unpacked SavedModel
 * at a location). Produced by {@link ArtifactResolver}, already checked against size limits and the descriptor's hash.
 */
public final class ModelArtifact {

    private final byte[] bytes;
    private final Path directory;
    private final String sha256;

    private ModelArtifact(byte[] bytes, Path directory, String sha256) {
        this.bytes = bytes;
        this.directory = directory;
        this.sha256 = sha256;
    }

    /** Bytes; the hash is computed here. */
    public static ModelArtifact ofBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new ModelArtifact(bytes, null, Checksums.sha256Hex(bytes));
    }

    /** A directory (not hashed: {@link #sha256()} is empty). */
    public static ModelArtifact ofDirectory(Path directory) {
        return new ModelArtifact(null, Objects.requireNonNull(directory, "directory"), "");
    }

    public boolean isDirectory() {
        return directory != null;
    }

    /** The bytes; only for a non-directory artifact. Not copied: do not modify. */
    public byte[] bytes() {
        if (bytes == null) {
            throw new IllegalStateException("artifact is a directory: " + directory);
        }
        return bytes;
    }

    /** The directory; only for a directory artifact. */
    public Path directory() {
        if (directory == null) {
            throw new IllegalStateException("artifact is bytes, not a directory");
        }
        return directory;
    }

    /** Lower-case hex SHA-256 of the bytes; empty for a directory. */
    public String sha256() {
        return sha256;
    }

    /** Size in bytes (0 for a directory). */
    public long size() {
        return bytes == null ? 0 : bytes.length;
    }
}
