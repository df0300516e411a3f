package dev.modelserving.deploy.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes output files so that a failed run never leaves a half-written file behind: the content goes to a temporary
 * file next to the target, which replaces the target only when complete.
 */
final class OutputFiles {

    /** What writes the content. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException, CliException;
    }

    private OutputFiles() {}

    static void writeAtomically(Path target, Content content) throws CliException {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw new CliException("cannot write " + target + ": it is a directory");
        }
        if (directory == null || !Files.isDirectory(directory)) {
            throw new CliException("cannot write " + target + ": directory " + directory + " does not exist");
        }
        Path temporary;
        try {
            temporary = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp");
        } catch (IOException e) {
            throw IoMessages.failure("cannot write " + target, e);
        }
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary))) {
                content.writeTo(out);
            }
            setPermissions(temporary, absolute);
            try {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            deleteQuietly(temporary, e);
            throw IoMessages.failure("cannot write " + target, e);
        } catch (CliException | RuntimeException e) {
            deleteQuietly(temporary, e);
            throw e;
        }
    }

    /** Keeps the permissions of a file being replaced; a new file is readable by all (rw-r--r--), like most tools. */
    private static void setPermissions(Path temporary, Path target) throws IOException {
        if (!Files.getFileStore(temporary).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(temporary, permissions);
    }

    /** Removes the temporary file after a failure; a failure to remove it is attached to the original one. */
    private static void deleteQuietly(Path temporary, Exception original) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            original.addSuppressed(e);
        }
    }
}
