package dev.modelserving.model;

import static dev.modelserving.model.TestDescriptors.constant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.proto.ModelDescriptor;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactResolverTest {

    @TempDir
    Path temp;

    private ModelDescriptor at(String location) {
        return constant("0").clearArtifactBytes().setArtifactLocation(location).build();
    }

    private ArtifactResolver resolver(Path... roots) {
        return new ArtifactResolver(LoadPolicy.defaults().withAllowedRoots(List.of(roots)));
    }

    @Test
    void readsAFileUnderAnAllowedRootAsPathOrUri() throws Exception {
        Path root = Files.createDirectories(temp.resolve("models"));
        Path file = Files.writeString(root.resolve("m.txt"), "42");
        ArtifactResolver resolver = resolver(root);
        String sha = Checksums.sha256Hex("42".getBytes());
        assertThat(resolver.resolve(pinned(file.toString(), sha)).bytes()).isEqualTo("42".getBytes());
        assertThat(resolver.resolve(pinned(file.toUri().toString(), sha)).sha256())
                .isEqualTo(sha);
    }

    private ModelDescriptor pinned(String location, String sha256) {
        return at(location).toBuilder().setArtifactSha256(sha256).build();
    }

    @Test
    void aReferencedFileMustBePinnedAndMatch() throws Exception {
        Path root = Files.createDirectories(temp.resolve("models"));
        Path file = Files.writeString(root.resolve("m.txt"), "42");
        assertThatThrownBy(() -> resolver(root).resolve(at(file.toString())))
                .hasMessageContaining("CHECKSUM_MISMATCH")
                .hasMessageContaining("must be pinned");
        assertThatThrownBy(() -> resolver(root).resolve(pinned(file.toString(), "0".repeat(64))))
                .hasMessageContaining("CHECKSUM_MISMATCH");
    }

    /** A stand-in for a remote file system: serves files of a local folder named by the URI's path. */
    private final class FolderSource implements ArtifactSource {
        private final List<URI> fetched = new java.util.ArrayList<>();

        @Override
        public byte[] fetch(URI location, String sha256, long maxBytes) throws ModelLoadException {
            fetched.add(location);
            Path file = temp.resolve("remote" + location.getPath());
            try {
                byte[] bytes = Files.readAllBytes(file);
                String actual = Checksums.sha256Hex(bytes);
                if (!actual.equals(sha256)) {
                    throw new ModelLoadException(ModelProblem.CHECKSUM_MISMATCH, "fetched " + actual);
                }
                return bytes;
            } catch (java.io.IOException e) {
                throw new ModelLoadException(ModelProblem.ARTIFACT_NOT_FOUND, "no " + file, e);
            }
        }
    }

    @Test
    void remoteReferencesAreAllowedPinnedAndFetched() throws Exception {
        Path remote = Files.createDirectories(temp.resolve("remote/models"));
        Files.writeString(remote.resolve("m.txt"), "7");
        Files.createDirectories(temp.resolve("remote/secret"));
        Files.writeString(temp.resolve("remote/secret/s.txt"), "7");
        String sha = Checksums.sha256Hex("7".getBytes());
        FolderSource source = new FolderSource();
        ArtifactResolver resolver = new ArtifactResolver(
                LoadPolicy.defaults().withAllowedUriRoots(List.of(URI.create("s3://Bucket/models"))), source);

        assertThat(resolver.resolve(pinned("S3://bucket/models/m.txt", sha)).bytes())
                .isEqualTo("7".getBytes());
        assertThat(source.fetched).containsExactly(URI.create("s3://bucket/models/m.txt"));

        for (String outside : List.of(
                "s3://bucket/secret/s.txt",
                "s3://bucket/models-other/m.txt",
                "s3://other/models/m.txt",
                "gs://bucket/models/m.txt",
                "s3://bucket/models/../secret/s.txt",
                "s3://bucket/models/%2e%2e/secret/s.txt",
                "s3://bucket/models/..%2fsecret/s.txt",
                "s3://bucket/models//m.txt",
                "s3://bucket/models/./m.txt",
                "s3://user@bucket/models/m.txt",
                "s3://bucket/models/m.txt?versionId=1",
                "s3://bucket/models/",
                "s3:bucket/models/m.txt")) {
            assertThatThrownBy(() -> resolver.resolve(pinned(outside, sha)))
                    .as(outside)
                    .isInstanceOfSatisfying(
                            ModelLoadException.class,
                            e -> assertThat(e.problem()).isEqualTo(ModelProblem.LOCATION_NOT_ALLOWED));
        }
        assertThat(source.fetched).as("nothing outside the roots is fetched").hasSize(1);

        assertThatThrownBy(() -> resolver.resolve(at("s3://bucket/models/m.txt")))
                .hasMessageContaining("CHECKSUM_MISMATCH")
                .hasMessageContaining("pinned");
        assertThatThrownBy(() -> resolver.resolve(pinned("s3://bucket/models/m.txt", "0".repeat(64))))
                .hasMessageContaining("CHECKSUM_MISMATCH");
        assertThatThrownBy(() -> resolver(temp).resolve(pinned("s3://bucket/models/m.txt", sha)))
                .hasMessageContaining("LOCATION_NOT_ALLOWED");
    }

    @Test
    void aDirectoryIsADirectoryArtifact() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("models/saved"));
        Files.writeString(dir.resolve("saved_model.pb"), "x");
        ModelArtifact artifact = resolver(temp.resolve("models")).resolve(at(dir.toString()));
        assertThat(artifact.isDirectory()).isTrue();
        assertThat(artifact.directory()).isEqualTo(dir.toRealPath());
    }

    @Test
    void refusesLocationsOutsideTheRootsIncludingDotDotAndSymlinks() throws Exception {
        Path root = Files.createDirectories(temp.resolve("models"));
        Path secret = Files.writeString(temp.resolve("secret.txt"), "s");
        Path link = Files.createSymbolicLink(root.resolve("link.txt"), secret);
        ArtifactResolver resolver = resolver(root);
        for (String location : List.of(secret.toString(), root + "/../secret.txt", link.toString())) {
            assertThatThrownBy(() -> resolver.resolve(at(location)))
                    .isInstanceOfSatisfying(
                            ModelLoadException.class,
                            e -> assertThat(e.problem()).isEqualTo(ModelProblem.LOCATION_NOT_ALLOWED))
                    .hasMessageContaining("outside the allowed roots");
        }
    }

    @Test
    void refusesRelativeRemoteAndAllLocationsWithoutRoots() throws Exception {
        Path root = Files.createDirectories(temp.resolve("models"));
        Path file = Files.writeString(root.resolve("m.txt"), "1");
        assertThatThrownBy(() -> resolver().resolve(at(file.toString())))
                .hasMessageContaining("LOCATION_NOT_ALLOWED")
                .hasMessageContaining("no allowed roots");
        assertThatThrownBy(() -> resolver(root).resolve(at("models/m.txt"))).hasMessageContaining("absolute path");
        assertThatThrownBy(() -> resolver(root).resolve(at("http://example.invalid/m.txt")))
                .hasMessageContaining("only file locations");
        assertThatThrownBy(() -> resolver(root).resolve(at(root + "/missing.txt")))
                .hasMessageContaining("ARTIFACT_NOT_FOUND");
    }

    @Test
    void enforcesSizeLimitsOnBytesFilesAndDirectories() throws Exception {
        Path root = Files.createDirectories(temp.resolve("models"));
        Path file = Files.write(root.resolve("big.bin"), new byte[2048]);
        Path dir = Files.createDirectories(root.resolve("dir"));
        Files.write(dir.resolve("a"), new byte[2048]);
        ArtifactResolver small = new ArtifactResolver(LoadPolicy.defaults()
                .withAllowedRoots(List.of(root))
                .withMaxArtifactBytes(1024)
                .withMaxUnpackedBytes(1024));
        assertThatThrownBy(() -> small.resolve(constant("1".repeat(1025)).build()))
                .hasMessageContaining("ARTIFACT_TOO_LARGE")
                .hasMessageContaining("1025 bytes");
        assertThatThrownBy(() -> small.resolve(at(file.toString()))).hasMessageContaining("ARTIFACT_TOO_LARGE");
        assertThatThrownBy(() -> small.resolve(at(dir.toString()))).hasMessageContaining("ARTIFACT_TOO_LARGE");
        assertThatThrownBy(() -> small.resolve(constant("").build())).hasMessageContaining("empty");
    }
}
