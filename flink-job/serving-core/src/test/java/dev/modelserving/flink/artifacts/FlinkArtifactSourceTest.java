package dev.modelserving.flink.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.Checksums;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Referenced artifacts read through Flink's file systems (file: here) into the local SHA-256 cache. */
class FlinkArtifactSourceTest {

    @TempDir
    Path temp;

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    @Test
    void downloadsOnceVerifiesAndServesLaterLoadsFromTheCache() throws Exception {
        byte[] model = random(300_000, 1);
        Path published =
                Files.write(Files.createDirectories(temp.resolve("remote")).resolve("m.bin"), model);
        String sha = Checksums.sha256Hex(model);
        ArtifactCache cache = new ArtifactCache(temp.resolve("cache"), 10_000_000);
        FlinkArtifactSource source = new FlinkArtifactSource(cache);

        assertThat(source.fetch(published.toUri(), sha, 1_000_000)).isEqualTo(model);
        Files.delete(published); // the remote copy is gone: the cache answers
        assertThat(source.fetch(published.toUri(), sha, 1_000_000)).isEqualTo(model);
        assertThat(cache.downloads()).isEqualTo(1);
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(temp.resolve("cache").resolve(sha)).exists();
        try (var files = Files.list(temp.resolve("cache"))) {
            assertThat(files).as("no temporary file left").hasSize(1);
        }
    }

    @Test
    void aMismatchOrAnOversizedArtifactIsRefusedAndNotCached() throws Exception {
        byte[] model = random(5_000, 2);
        Path published = Files.write(temp.resolve("m.bin"), model);
        ArtifactCache cache = new ArtifactCache(temp.resolve("cache"), 10_000_000);
        FlinkArtifactSource source = new FlinkArtifactSource(cache);
        String wrong = Checksums.sha256Hex(new byte[] {1});

        assertThatThrownBy(() -> source.fetch(published.toUri(), wrong, 1_000_000))
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.CHECKSUM_MISMATCH));
        assertThatThrownBy(() -> source.fetch(published.toUri(), Checksums.sha256Hex(model), 4_999))
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.ARTIFACT_TOO_LARGE));
        assertThatThrownBy(() -> source.fetch(temp.resolve("missing").toUri(), wrong, 1_000_000))
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.ARTIFACT_NOT_FOUND));
        try (var files = Files.list(temp.resolve("cache"))) {
            assertThat(files).as("nothing cached, no temporary file left").isEmpty();
        }
    }

    @Test
    void theCacheStaysWithinItsBoundByEvictingTheLeastRecentlyUsed() throws Exception {
        ArtifactCache cache = new ArtifactCache(temp.resolve("cache"), 25_000);
        FlinkArtifactSource source = new FlinkArtifactSource(cache);
        String[] hashes = new String[3];
        for (int i = 0; i < 3; i++) {
            byte[] model = random(10_000, 10 + i);
            hashes[i] = Checksums.sha256Hex(model);
            Path published = Files.write(temp.resolve("m" + i + ".bin"), model);
            source.fetch(published.toUri(), hashes[i], 1_000_000);
            // Distinct use times, oldest first, whatever the file system's time resolution.
            Files.setLastModifiedTime(
                    temp.resolve("cache").resolve(hashes[i]), FileTime.fromMillis(1_000_000L * (i + 1)));
            if (i == 1) {
                // Use the first one again: the second becomes the least recently used.
                source.fetch(temp.resolve("m0.bin").toUri(), hashes[0], 1_000_000);
                Files.setLastModifiedTime(temp.resolve("cache").resolve(hashes[0]), FileTime.fromMillis(2_500_000L));
            }
        }
        assertThat(cache.evictions()).isEqualTo(1);
        assertThat(temp.resolve("cache").resolve(hashes[0])).exists();
        assertThat(temp.resolve("cache").resolve(hashes[1])).doesNotExist();
        assertThat(temp.resolve("cache").resolve(hashes[2])).exists();
    }
}
