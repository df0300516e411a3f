package dev.modelserving.model.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/**
 * Builds zip, tar and tar.gz archives for tests, entry names written exactly as given (absolute paths, {@code ..},
 * links included), so tests can produce both ordinary and hostile archives. Shared with other modules' tests
 * through the test-jar.
 */
public final class TestArchiveBuilder {

    /** The container format to write. */
    public enum Format {
        ZIP,
        TAR,
        TAR_GZ
    }

    private enum Kind {
        FILE,
        DIRECTORY,
        SYMLINK,
        HARD_LINK
    }

    private record Entry(Kind kind, String name, byte[] content, String linkTarget) {}

    private final Format format;
    private final List<Entry> entries = new ArrayList<>();

    private TestArchiveBuilder(Format format) {
        this.format = format;
    }

    public static TestArchiveBuilder of(Format format) {
        return new TestArchiveBuilder(format);
    }

    public TestArchiveBuilder file(String name, byte[] content) {
        entries.add(new Entry(Kind.FILE, name, content, null));
        return this;
    }

    public TestArchiveBuilder file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** A directory entry; a trailing slash is added for zip when missing. */
    public TestArchiveBuilder directory(String name) {
        entries.add(new Entry(Kind.DIRECTORY, name.endsWith("/") ? name : name + "/", null, null));
        return this;
    }

    public TestArchiveBuilder symlink(String name, String target) {
        entries.add(new Entry(Kind.SYMLINK, name, null, target));
        return this;
    }

    /** A hard link (tar only). */
    public TestArchiveBuilder hardLink(String name, String target) {
        entries.add(new Entry(Kind.HARD_LINK, name, null, target));
        return this;
    }

    /**
     * Every directory and file under {@code directory}, in sorted order, named relative to it under
     * {@code prefix} ("" for the archive root, "model/" for one top-level folder).
     */
    public TestArchiveBuilder tree(Path directory, String prefix) {
        if (!prefix.isEmpty()) {
            directory(prefix);
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths.sorted()::iterator) {
                if (path.equals(directory)) {
                    continue;
                }
                String name = prefix + directory.relativize(path).toString().replace('\\', '/');
                if (Files.isDirectory(path)) {
                    directory(name);
                } else {
                    file(name, Files.readAllBytes(path));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    public byte[] build() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            switch (format) {
                case ZIP -> writeZip(bytes);
                case TAR -> writeTar(bytes);
                case TAR_GZ -> {
                    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
                        writeTar(gzip);
                    }
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeZip(OutputStream out) throws IOException {
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(out)) {
            for (Entry entry : entries) {
                ZipArchiveEntry zipEntry = new ZipArchiveEntry(entry.name());
                byte[] content = entry.content();
                switch (entry.kind()) {
                    case FILE -> zipEntry.setUnixMode(UnixStat.FILE_FLAG | 0644);
                    case DIRECTORY -> zipEntry.setUnixMode(UnixStat.DIR_FLAG | 0755);
                    case SYMLINK -> {
                        zipEntry.setUnixMode(UnixStat.LINK_FLAG | 0777);
                        content = entry.linkTarget().getBytes(StandardCharsets.UTF_8);
                    }
                    case HARD_LINK -> throw new IllegalArgumentException("zip has no hard links");
                }
                zip.putArchiveEntry(zipEntry);
                if (content != null) {
                    zip.write(content);
                }
                zip.closeArchiveEntry();
            }
        }
    }

    private void writeTar(OutputStream out) throws IOException {
        // Not closed here: closing would close the (gzip) stream underneath before it is finished by its owner.
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        for (Entry entry : entries) {
            TarArchiveEntry tarEntry = switch (entry.kind()) {
                case FILE, DIRECTORY -> new TarArchiveEntry(entry.name(), true);
                case SYMLINK -> new TarArchiveEntry(entry.name(), TarConstants.LF_SYMLINK, true);
                case HARD_LINK -> new TarArchiveEntry(entry.name(), TarConstants.LF_LINK, true);
            };
            if (entry.linkTarget() != null) {
                tarEntry.setLinkName(entry.linkTarget());
            }
            if (entry.kind() == Kind.FILE) {
                tarEntry.setSize(entry.content().length);
            }
            tar.putArchiveEntry(tarEntry);
            if (entry.kind() == Kind.FILE) {
                tar.write(entry.content());
            }
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
    }
}
