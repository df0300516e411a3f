package dev.modelserving.model.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A private temporary directory holding an unpacked archive. {@link #close()} deletes the whole tree and gives the
 * bytes it reserved back to the subtask's {@link UnpackedBytesBudget}; it is idempotent. Produced by
 * {@link SafeArchive}.
 */
public final class UnpackedArchive implements AutoCloseable {

    static final String PREFIX = "modelserving-archive-";

    private final Path root;
    private boolean closed;
    private UnpackedBytesBudget budget;
    private long reservedBytes;

    private UnpackedArchive(Path root) {
        this.root = root;
    }

    /** Creates a fresh directory under {@code parent} readable, writable and listable by its owner only. */
    static UnpackedArchive createIn(Path parent) throws IOException {
        Path dir;
        try {
            dir = Files.createTempDirectory(
                    parent, PREFIX, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: create it, then take every permission away from everyone but the owner.
            dir = Files.createTempDirectory(parent, PREFIX);
            java.io.File file = dir.toFile();
            boolean restricted = file.setReadable(false, false)
                    && file.setReadable(true, true)
                    && file.setWritable(false, false)
                    && file.setWritable(true, true)
                    && file.setExecutable(false, false)
                    && file.setExecutable(true, true);
            if (!restricted) {
                deleteTree(dir);
                throw new IOException("cannot restrict the permissions of " + dir + " to its owner", e);
            }
        }
        return new UnpackedArchive(dir.toRealPath());
    }

    /** The directory the archive was unpacked into (absolute, real path). */
    public Path root() {
        return root;
    }

    /** Bytes of the budget this tree holds (what unpacking wrote into it). */
    public long reservedBytes() {
        return reservedBytes;
    }

    /** Records bytes reserved from {@code from} for this tree (one budget per tree). */
    void reserved(UnpackedBytesBudget from, long bytes) {
        budget = from;
        reservedBytes += bytes;
    }

    /**
     * Deletes the directory tree and gives its bytes back to the budget.
     *
     * @throws UncheckedIOException if some of it could not be deleted
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (budget != null) {
            budget.release(reservedBytes);
        }
        try {
            deleteTree(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the unpacked archive " + root, e);
        }
    }

    /** Deletes a tree without following symbolic links; a tree that is already gone is fine. */
    static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public String toString() {
        return "UnpackedArchive{" + root + (closed ? ", deleted" : "") + "}";
    }
}
