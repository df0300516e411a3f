package dev.modelserving.model.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.archive.TestArchiveBuilder.Format;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafeArchiveTest {

    @TempDir
    Path parent;

    private SafeArchive archives(LoadPolicy policy) {
        return new SafeArchive(policy, parent);
    }

    private SafeArchive archives() {
        return archives(LoadPolicy.defaults());
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void unpacksFilesAndFoldersIntoAPrivateDirectoryDeletedOnClose(Format format) throws Exception {
        byte[] payload = new byte[100_000];
        new Random(7).nextBytes(payload);
        byte[] archive = TestArchiveBuilder.of(format)
                .directory("model")
                .file("model/saved_model.pb", payload)
                .file("model/variables/variables.index", "index")
                .file("./top.txt", "top")
                .build();

        UnpackedArchive unpacked = archives().unpack(archive);
        Path root = unpacked.root();

        assertThat(root.getParent()).isEqualTo(parent.toRealPath());
        assertThat(Files.readAllBytes(root.resolve("model/saved_model.pb"))).isEqualTo(payload);
        assertThat(root.resolve("model/variables/variables.index")).hasContent("index");
        assertThat(root.resolve("top.txt")).hasContent("top");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root)))
                .isEqualTo("rwx------");

        unpacked.close();
        assertThat(root).doesNotExist();
        assertThat(parent).isEmptyDirectory();
        unpacked.close(); // idempotent
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void refusesEntriesThatEscapeTheFolder(Format format) {
        byte[] archive = TestArchiveBuilder.of(format)
                .file("ok.txt", "ok")
                .file("a/../../x", "evil")
                .build();
        assertRefused(() -> archives().unpack(archive), ModelProblem.UNSAFE_ARCHIVE, "'a/../../x'", "escapes");
        assertThat(parent.resolve("x")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void refusesDotDotAtTheStart(Format format) {
        byte[] archive = TestArchiveBuilder.of(format).file("../x", "evil").build();
        assertRefused(() -> archives().unpack(archive), ModelProblem.UNSAFE_ARCHIVE, "'../x'", "escapes");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void refusesAbsolutePaths(Format format) {
        byte[] archive = TestArchiveBuilder.of(format)
                .file("/tmp/evil-modelserving-test", "evil")
                .build();
        assertRefused(
                () -> archives().unpack(archive),
                ModelProblem.UNSAFE_ARCHIVE,
                "'/tmp/evil-modelserving-test'",
                "absolute");
        assertThat(Path.of("/tmp/evil-modelserving-test")).doesNotExist();
    }

    @Test
    void refusesBackslashTraversal() {
        byte[] archive =
                TestArchiveBuilder.of(Format.ZIP).file("..\\..\\x", "evil").build();
        assertRefused(() -> archives().unpack(archive), ModelProblem.UNSAFE_ARCHIVE, "escapes");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void refusesSymbolicLinks(Format format) {
        byte[] archive = TestArchiveBuilder.of(format)
                .file("saved_model.pb", "x")
                .symlink("variables", "/etc")
                .build();
        assertRefused(() -> archives().unpack(archive), ModelProblem.UNSAFE_ARCHIVE, "'variables'", "symbolic link");
    }

    @ParameterizedTest
    @EnumSource(
            value = Format.class,
            names = {"TAR", "TAR_GZ"})
    void refusesHardLinks(Format format) {
        byte[] archive = TestArchiveBuilder.of(format)
                .file("a", "x")
                .hardLink("b", "/etc/passwd")
                .build();
        assertRefused(() -> archives().unpack(archive), ModelProblem.UNSAFE_ARCHIVE, "'b'", "hard link");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void refusesMoreEntriesThanThePolicyAllows(Format format) throws ModelLoadException {
        TestArchiveBuilder builder = TestArchiveBuilder.of(format);
        for (int i = 0; i < 6; i++) {
            builder.file("f" + i, "x");
        }
        byte[] archive = builder.build();
        LoadPolicy policy = LoadPolicy.defaults().withMaxArchiveEntries(5);

        assertRefused(() -> archives(policy).unpack(archive), ModelProblem.ARTIFACT_TOO_LARGE, "more than 5 entries");
        // Exactly at the limit is fine.
        LoadPolicy six = LoadPolicy.defaults().withMaxArchiveEntries(6);
        try (UnpackedArchive unpacked = archives(six).unpack(archive)) {
            assertThat(unpacked.root().resolve("f5")).hasContent("x");
        }
        assertThat(parent).isEmptyDirectory();
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void refusesArchivesThatUnpackToMoreBytesThanThePolicyAllows(Format format) {
        // 4 MB of zeros compress to a few KB: only the bytes actually written can catch this.
        byte[] archive = TestArchiveBuilder.of(format)
                .file("small", "ok")
                .file("bomb", new byte[4_000_000])
                .build();
        assertThat(archive.length).isLessThan(format == Format.TAR ? 4_100_000 : 50_000);
        LoadPolicy policy = LoadPolicy.defaults().withMaxUnpackedBytes(1_000_000);

        assertRefused(
                () -> archives(policy).unpack(archive), ModelProblem.ARTIFACT_TOO_LARGE, "more than 1000000 bytes");
    }

    @Test
    void refusesBytesThatAreNoArchive() {
        byte[] text = "<PMML>not an archive</PMML>".getBytes(StandardCharsets.UTF_8);
        assertRefused(() -> archives().unpack(text), ModelProblem.INVALID_ARTIFACT, "not a zip, tar or tar.gz");
        byte[] random = new byte[4096];
        new Random(1).nextBytes(random);
        random[0] = 0x13; // not a magic byte
        assertRefused(() -> archives().unpack(random), ModelProblem.INVALID_ARTIFACT, "not a zip, tar or tar.gz");
        assertRefused(() -> archives().unpack(new byte[0]), ModelProblem.INVALID_ARTIFACT, "0 bytes");
    }

    @Test
    void refusesGzipThatHoldsNoTar() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write("just some text, not a tar stream".repeat(40).getBytes(StandardCharsets.UTF_8));
        }
        assertRefused(() -> archives().unpack(bytes.toByteArray()), ModelProblem.INVALID_ARTIFACT, "not a tar stream");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void refusesTruncatedArchives(Format format) {
        byte[] content = new byte[200_000];
        new Random(3).nextBytes(content);
        byte[] archive = TestArchiveBuilder.of(format)
                .file("a", content)
                .file("b", content)
                .build();
        byte[] truncated = Arrays.copyOf(archive, archive.length / 2);
        assertRefused(() -> archives().unpack(truncated), ModelProblem.INVALID_ARTIFACT, "corrupt");
    }

    @ParameterizedTest
    @EnumSource(Format.class)
    void refusesDuplicateEntries(Format format) {
        byte[] archive =
                TestArchiveBuilder.of(format).file("a", "1").file("a", "2").build();
        assertRefused(() -> archives().unpack(archive), ModelProblem.INVALID_ARTIFACT, "'a'", "twice");
    }

    /** Asserts the exception and that the temporary directory it created is gone. */
    private void assertRefused(ThrowingCallable call, ModelProblem problem, String... messageParts) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(problem))
                .hasMessageContainingAll(messageParts);
        assertThat(parent).isEmptyDirectory();
    }
}
