package dev.modelserving.deploy.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory zip of a SavedModel directory is reproducible and relative. */
class DirectoryZipTest {

    @TempDir
    Path dir;

    private Path savedModel(Path root, long mtime) throws Exception {
        Files.createDirectories(root.resolve("variables"));
        Files.createDirectories(root.resolve("assets"));
        Files.write(root.resolve("variables/variables.index"), new byte[] {1, 2, 3});
        Files.write(root.resolve("saved_model.pb"), new byte[] {4, 5});
        Files.write(root.resolve("variables/variables.data-00000-of-00001"), new byte[] {6});
        try (var files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(mtime));
            }
        }
        return root;
    }

    @Test
    void sameContentGivesSameBytesWithSortedRelativeEntries() throws Exception {
        byte[] first = DirectoryZip.of(savedModel(dir.resolve("a"), 1_000_000_000_000L));
        byte[] second = DirectoryZip.of(savedModel(dir.resolve("b/nested"), 1_700_000_000_000L));

        assertThat(second).isEqualTo(first);
        List<String> names = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(first))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                names.add(e.getName());
            }
        }
        assertThat(names)
                .containsExactly(
                        "assets/",
                        "saved_model.pb",
                        "variables/",
                        "variables/variables.data-00000-of-00001",
                        "variables/variables.index");
    }

    @Test
    void aSymbolicLinkIsRefused() throws Exception {
        Path root = savedModel(dir.resolve("m"), 0);
        Files.createSymbolicLink(root.resolve("variables/link"), dir.resolve("elsewhere"));
        assertThatThrownBy(() -> DirectoryZip.of(root))
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("symbolic link")
                .hasMessageContaining("variables/link");
    }
}
