package dev.modelserving.deploy.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Human wording for I/O failures (the JDK's messages are often just a path). */
final class IoMessages {

    private IoMessages() {}

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException f) {
            return "no such file or directory: " + f.getFile();
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof NotDirectoryException f) {
            return "not a directory: " + f.getFile();
        }
        if (e instanceof FileAlreadyExistsException f) {
            return "already exists: " + f.getFile();
        }
        if (e instanceof DirectoryNotEmptyException f) {
            return "directory not empty: " + f.getFile();
        }
        if (e instanceof FileSystemException f) {
            return f.getFile() + ": "
                    + (f.getReason() != null ? f.getReason() : f.getClass().getSimpleName());
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }

    /**
     * A {@link CliException} saying what could not be done, and why; the file is named once, by {@code what} when it
     * already contains it.
     */
    static CliException failure(String what, IOException e) {
        String reason = describe(e);
        if (e instanceof FileSystemException f
                && f.getFile() != null
                && what.contains(f.getFile())
                && reason.endsWith(": " + f.getFile())) {
            reason = reason.substring(0, reason.length() - f.getFile().length() - 2);
        }
        return new CliException(what + ": " + reason, e);
    }
}
