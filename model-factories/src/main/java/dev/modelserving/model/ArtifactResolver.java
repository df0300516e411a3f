package dev.modelserving.model;

import dev.modelserving.proto.ModelDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Turns a descriptor's artifact (inline bytes or a location) into a {@link ModelArtifact}: local locations (paths and
 * {@code file:} URIs) must resolve, symbolic links included, under one of the policy's allowed roots; remote locations
 * ({@code s3://}, {@code hdfs://}, ...; see {@link ReferenceUris}) must lie under one of its allowed URI roots and are
 * fetched by the {@link ArtifactSource}; sizes are bounded before anything is read in full. A location that names a
 * file is a reference and must be pinned: the descriptor's SHA-256 must be present and match (a local directory, an
 * unpacked SavedModel, cannot be hashed and is not pinned). Inline bytes are checked against the SHA-256 when the
 * descriptor gives one.
 */
public final class ArtifactResolver {

    private final LoadPolicy policy;
    private final List<Path> realRoots;
    private final ArtifactSource source;

    /** A resolver that reads local locations only (remote URIs are refused). */
    public ArtifactResolver(LoadPolicy policy) {
        this(policy, ArtifactSource.none());
    }

    /** A resolver that fetches remote locations through {@code source}. */
    public ArtifactResolver(LoadPolicy policy, ArtifactSource source) {
        this.policy = policy;
        this.source = java.util.Objects.requireNonNull(source, "source");
        this.realRoots = new ArrayList<>();
        for (Path root : policy.allowedRoots()) {
            try {
                realRoots.add(root.toAbsolutePath().normalize().toRealPath());
            } catch (IOException e) {
                // A root that does not exist (yet) cannot contain anything: keep its normalised form.
                realRoots.add(root.toAbsolutePath().normalize());
            }
        }
    }

    public LoadPolicy policy() {
        return policy;
    }

    public ModelArtifact resolve(ModelDescriptor descriptor) throws ModelLoadException {
        ModelArtifact artifact = switch (descriptor.getArtifactCase()) {
            case ARTIFACT_BYTES -> fromBytes(descriptor.getArtifactBytes().toByteArray());
            case ARTIFACT_LOCATION ->
                ReferenceUris.isRemote(descriptor.getArtifactLocation())
                        ? fromRemote(descriptor.getArtifactLocation(), descriptor.getArtifactSha256())
                        : fromLocation(descriptor.getArtifactLocation());
            case ARTIFACT_NOT_SET ->
                throw new ModelLoadException(
                        ModelProblem.INVALID_DESCRIPTOR, "descriptor has neither artifact_bytes nor artifact_location");
        };
        String expected = descriptor.getArtifactSha256().trim().toLowerCase(Locale.ROOT);
        if (descriptor.hasArtifactLocation() && !artifact.isDirectory() && expected.isEmpty()) {
            throw new ModelLoadException(
                    ModelProblem.CHECKSUM_MISMATCH,
                    "artifact_location " + descriptor.getArtifactLocation() + " names a file but the descriptor has no"
                            + " artifact_sha256: a referenced artifact must be pinned by its SHA-256");
        }
        if (!expected.isEmpty() && !artifact.isDirectory() && !expected.equals(artifact.sha256())) {
            throw new ModelLoadException(
                    ModelProblem.CHECKSUM_MISMATCH,
                    "artifact sha256 is " + artifact.sha256() + " but the descriptor says " + expected);
        }
        return artifact;
    }

    private ModelArtifact fromBytes(byte[] bytes) throws ModelLoadException {
        if (bytes.length == 0) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "artifact_bytes is empty");
        }
        checkSize(bytes.length, "artifact_bytes");
        return ModelArtifact.ofBytes(bytes);
    }

    /** A remote reference: allowed, pinned, fetched through the source into a local file, then read like one. */
    private ModelArtifact fromRemote(String location, String sha256) throws ModelLoadException {
        URI uri = allowedUri(location);
        String expected = sha256.trim().toLowerCase(Locale.ROOT);
        if (!ReferenceUris.isSha256(expected)) {
            throw new ModelLoadException(
                    ModelProblem.CHECKSUM_MISMATCH,
                    "artifact_location " + location + " is a reference, which must be pinned by artifact_sha256 (64"
                            + " hex digits); the descriptor has '" + sha256 + "'");
        }
        byte[] bytes = source.fetch(uri, expected, policy.maxArtifactBytes());
        checkSize(bytes.length, location);
        return ModelArtifact.ofBytes(bytes);
    }

    /** The canonical form of a remote location, if it lies under an allowed URI root. */
    public URI allowedUri(String location) throws ModelLoadException {
        URI uri = ReferenceUris.location(location);
        if (policy.allowedUriRoots().isEmpty()) {
            throw new ModelLoadException(
                    ModelProblem.LOCATION_NOT_ALLOWED,
                    "only file locations are allowed: no allowed model root is a URI, so " + location + " is refused");
        }
        if (!ReferenceUris.under(uri, policy.allowedUriRoots())) {
            throw new ModelLoadException(
                    ModelProblem.LOCATION_NOT_ALLOWED,
                    location + " is outside the allowed roots " + policy.allowedUriRoots());
        }
        return uri;
    }

    private ModelArtifact fromLocation(String location) throws ModelLoadException {
        Path path = allowedPath(location);
        if (Files.isDirectory(path)) {
            checkDirectorySize(path);
            return ModelArtifact.ofDirectory(path);
        }
        return readFile(path, location);
    }

    /** The bytes of a local file, bounded by the policy. */
    private ModelArtifact readFile(Path path, String location) throws ModelLoadException {
        try {
            long size = Files.size(path);
            checkSize(size, location);
            if (size == 0) {
                throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "artifact file is empty: " + location);
            }
            try (InputStream in = Files.newInputStream(path)) {
                // Read at most the limit + 1 so a file growing after the size check is still caught.
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, policy.maxArtifactBytes() + 1));
                checkSize(bytes.length, location);
                return ModelArtifact.ofBytes(bytes);
            }
        } catch (IOException e) {
            throw new ModelLoadException(ModelProblem.ARTIFACT_NOT_FOUND, "cannot read " + location + ": " + e, e);
        }
    }

    /** The real path of a location, if it lies under an allowed root. */
    public Path allowedPath(String location) throws ModelLoadException {
        if (realRoots.isEmpty()) {
            throw new ModelLoadException(
                    ModelProblem.LOCATION_NOT_ALLOWED,
                    "artifact locations are disabled (no allowed roots configured): " + location);
        }
        Path path = toPath(location);
        Path real;
        try {
            real = path.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ModelLoadException(ModelProblem.ARTIFACT_NOT_FOUND, "no such file: " + location, e);
        } catch (IOException e) {
            throw new ModelLoadException(ModelProblem.ARTIFACT_NOT_FOUND, "cannot resolve " + location + ": " + e, e);
        }
        for (Path root : realRoots) {
            if (real.startsWith(root)) {
                return real;
            }
        }
        throw new ModelLoadException(
                ModelProblem.LOCATION_NOT_ALLOWED,
                location + " resolves to " + real + ", which is outside the allowed roots " + realRoots);
    }

    private static Path toPath(String location) throws ModelLoadException {
        try {
            Path path;
            if (location.startsWith("file:")) {
                path = Path.of(new URI(location));
            } else if (ReferenceUris.isRemote(location)) {
                throw new ModelLoadException(
                        ModelProblem.LOCATION_NOT_ALLOWED, "only file locations are supported here: " + location);
            } else {
                path = Path.of(location);
            }
            if (!path.isAbsolute()) {
                throw new ModelLoadException(
                        ModelProblem.LOCATION_NOT_ALLOWED, "artifact location must be an absolute path: " + location);
            }
            return path.normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new ModelLoadException(ModelProblem.INVALID_DESCRIPTOR, "bad artifact location " + location, e);
        }
    }

    private void checkSize(long size, String what) throws ModelLoadException {
        if (size > policy.maxArtifactBytes()) {
            throw new ModelLoadException(
                    ModelProblem.ARTIFACT_TOO_LARGE,
                    what + " is " + size + " bytes, over the limit of " + policy.maxArtifactBytes() + " bytes");
        }
    }

    private void checkDirectorySize(Path directory) throws ModelLoadException {
        try (Stream<Path> files = Files.walk(directory)) {
            long total = 0;
            long count = 0;
            for (Path file : (Iterable<Path>) files::iterator) {
                if (++count > policy.maxArchiveEntries()) {
                    throw new ModelLoadException(
                            ModelProblem.ARTIFACT_TOO_LARGE,
                            directory + " has more than " + policy.maxArchiveEntries() + " entries");
                }
                if (Files.isRegularFile(file)) {
                    total += Files.size(file);
                }
                if (total > policy.maxUnpackedBytes()) {
                    throw new ModelLoadException(
                            ModelProblem.ARTIFACT_TOO_LARGE,
                            directory + " holds more than " + policy.maxUnpackedBytes() + " bytes");
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException(ModelProblem.ARTIFACT_NOT_FOUND, "cannot read " + directory + ": " + e, e);
        }
    }
}
