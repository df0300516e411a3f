package dev.modelserving.model;

import static dev.modelserving.model.TestDescriptors.constant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.proto.ModelDescriptor;
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
        assertThat(resolver.resolve(at(file.toString())).bytes()).isEqualTo("42".getBytes());
        assertThat(resolver.resolve(at(file.toUri().toString())).sha256())
                .isEqualTo(Checksums.sha256Hex("42".getBytes()));
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
