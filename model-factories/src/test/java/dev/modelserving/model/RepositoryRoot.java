package dev.modelserving.model;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The root of this source tree, for tests that check files the repository ships (README tables, example configs):
 * the nearest directory at or above the working directory that holds the Maven Wrapper. Modules sit at different
 * depths, so a relative path like {@code ../README.md} would depend on where a module lives.
 */
public final class RepositoryRoot {

    private RepositoryRoot() {}

    /** The repository root. */
    public static Path path() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("README.md"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (a directory with mvnw and README.md) above "
                + Path.of("").toAbsolutePath());
    }

    /** A file or directory of the repository, by its path from the root. */
    public static Path resolve(String relative) {
        return path().resolve(relative);
    }
}
