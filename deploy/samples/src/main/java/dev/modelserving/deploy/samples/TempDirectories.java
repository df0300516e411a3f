package dev.modelserving.deploy.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary export directories of the trainers. */
final class TempDirectories {

    private TempDirectories() {}

    /** Deletes a directory tree (temporary export folders). */
    static void deleteRecursively(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete temporary directory " + root, e);
        }
    }
}
