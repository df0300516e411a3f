package dev.modelserving.model.archive;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;

/**
 * Counts what one unpacking has produced so far (entries, and bytes actually written: declared sizes are never
 * trusted) and stops it as soon as a limit is passed.
 */
final class UnpackBudget {

    private final int maxEntries;
    private final long maxBytes;
    private int entries;
    private long bytes;

    UnpackBudget(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** Counts one more entry (file, directory or anything else the archive lists). */
    void addEntry(String name) throws ModelLoadException {
        entries++;
        if (entries > maxEntries) {
            throw new ModelLoadException(ModelProblem.ARTIFACT_TOO_LARGE, "the archive has more than " + maxEntries
                    + " entries (stopped at entry '" + name + "')");
        }
    }

    /** Counts bytes about to be written for an entry. */
    void addBytes(int count, String name) throws ModelLoadException {
        bytes += count;
        if (bytes > maxBytes) {
            throw new ModelLoadException(ModelProblem.ARTIFACT_TOO_LARGE, "the archive unpacks to more than "
                    + maxBytes + " bytes (stopped in entry '" + name + "')");
        }
    }

    int entries() {
        return entries;
    }

    long bytes() {
        return bytes;
    }
}
