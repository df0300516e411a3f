package dev.modelserving.deploy.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Zips a directory (a TensorFlow SavedModel) in memory, reproducibly: entry names relative to the directory with
 * {@code /} separators, in sorted order, every timestamp the same, no permissions or owners. The same directory
 * content gives the same bytes, hence the same artifact sha256.
 */
public final class DirectoryZip {

    /** The DOS epoch: the earliest time a zip entry can carry without an extended-timestamp field. */
    private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private DirectoryZip() {}

    /**
     * The zip of a directory's content.
     *
     * @throws IOException when the directory cannot be read, or holds a symbolic link or a special file (the
     *     message names it)
     */
    public static byte[] of(Path directory) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(directory)) {
            paths = walk.filter(p -> !p.equals(directory)).collect(Collectors.toList());
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        List<String> names =
                paths.stream().map(p -> entryName(directory, p)).sorted().toList();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String name : names) {
                Path file = directory.resolve(name);
                if (Files.isSymbolicLink(file)) {
                    throw new IOException(directory + " contains a symbolic link, " + name
                            + "; replace it with the file it points to");
                }
                boolean isDirectory = Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS);
                if (!isDirectory && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(
                            directory + " contains " + name + ", which is neither a file nor a directory");
                }
                ZipEntry entry = new ZipEntry(isDirectory ? name + "/" : name);
                entry.setTimeLocal(FIXED_TIME);
                zip.putNextEntry(entry);
                if (!isDirectory) {
                    Files.copy(file, zip);
                }
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String entryName(Path directory, Path path) {
        Path relative = directory.relativize(path);
        StringBuilder name = new StringBuilder();
        for (Path part : relative) {
            if (name.length() > 0) {
                name.append('/');
            }
            name.append(part);
        }
        return name.toString();
    }
}
