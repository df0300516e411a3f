package dev.modelserving.model.archive;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;

/**
 * Counts what one unpacking has produced so far (entries, and bytes actually written: declared sizes are never
 * trusted) and stops it as soon as a limit is passed: the archive's own limits, or the subtask's shared
 * {@link UnpackedBytesBudget}, from which every written byte is reserved on behalf of the target
 * {@link UnpackedArchive} (which gives them back when it is deleted).
 */
final class UnpackBudget {

    private final int maxEntries;
    private final long maxBytes;
    private final UnpackedBytesBudget shared;
    private final UnpackedArchive target;
    private int entries;
    private long bytes;

    UnpackBudget(int maxEntries, long maxBytes, UnpackedBytesBudget shared, UnpackedArchive target) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.shared = shared;
        this.target = target;
    }

    /** Counts one more entry (file, directory or anything else the archive lists). */
    void addEntry(String name) throws ModelLoadException {
        entries++;
        if (entries > maxEntries) {
            throw new ModelLoadException(
                    ModelProblem.ARTIFACT_TOO_LARGE,
                    "the archive has more than " + maxEntries + " entries (stopped at entry '" + name + "')");
        }
    }

    /** Counts bytes about to be written for an entry. */
    void addBytes(int count, String name) throws ModelLoadException {
        bytes += count;
        if (bytes > maxBytes) {
            throw new ModelLoadException(
                    ModelProblem.ARTIFACT_TOO_LARGE,
                    "the archive unpacks to more than " + maxBytes + " bytes (stopped in entry '" + name + "')");
        }
        if (!shared.tryReserve(count)) {
            throw new ModelLoadException(
                    ModelProblem.RESOURCE_LIMIT,
                    "unpacking would pass this subtask's budget"
                            + " of " + shared.limit()
                            + " bytes of unpacked archives (--max-unpacked-bytes-per-subtask; "
                            + shared.inUse() + " bytes in use by the models alive; stopped in entry '" + name + "')");
        }
        target.reserved(shared, count);
    }

    int entries() {
        return entries;
    }

    long bytes() {
        return bytes;
    }
}
