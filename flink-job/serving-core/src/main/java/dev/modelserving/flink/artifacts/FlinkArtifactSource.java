package dev.modelserving.flink.artifacts;

import dev.modelserving.model.ArtifactSource;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Fetches referenced artifacts through Flink's {@link FileSystem}: {@code file:} out of the box, {@code s3://},
 * {@code hdfs://}, {@code gs://}, ... when the user adds Flink's file system plugin for the scheme (the same plugins
 * checkpoints use, configured the same way). Each artifact is downloaded once per TaskManager into its
 * {@link ArtifactCache} and read from there; the cache verifies the SHA-256 before a copy gets its hash's name.
 */
public final class FlinkArtifactSource implements ArtifactSource {

    private final ArtifactCache cache;

    public FlinkArtifactSource(ArtifactCache cache) {
        this.cache = cache;
    }

    @Override
    public byte[] fetch(URI location, String sha256, long maxBytes) throws ModelLoadException {
        return cache.withFile(sha256, maxBytes, () -> open(location), file -> read(file, location, maxBytes));
    }

    private static InputStream open(URI location) throws IOException {
        Path path = new Path(location);
        FileSystem fs = path.getFileSystem();
        return fs.open(path);
    }

    private static byte[] read(java.nio.file.Path file, URI location, long maxBytes) throws ModelLoadException {
        try {
            long size = Files.size(file);
            if (size > maxBytes || size > Integer.MAX_VALUE - 8) {
                throw new ModelLoadException(
                        ModelProblem.ARTIFACT_TOO_LARGE,
                        location + " is " + size + " bytes, over the limit of " + maxBytes + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelLoadException(
                    ModelProblem.ARTIFACT_NOT_FOUND, "cannot read the cached copy of " + location + ": " + e, e);
        }
    }
}
