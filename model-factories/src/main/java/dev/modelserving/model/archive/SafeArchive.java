package dev.modelserving.model.archive;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Enumeration;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

/**
 * Unpacks an untrusted zip, tar or tar.gz archive (recognised by its magic bytes) into a fresh private temporary
 * directory, or refuses it:
 * <ul>
 *   <li>{@link ModelProblem#UNSAFE_ARCHIVE}: an entry whose normalised path is absolute or leaves the folder, a
 *       symbolic or hard link, a device or FIFO;</li>
 *   <li>{@link ModelProblem#ARTIFACT_TOO_LARGE}: more entries than {@link LoadPolicy#maxArchiveEntries()}, or more
 *       bytes written than {@link LoadPolicy#maxUnpackedBytes()} (counted while writing; declared sizes are never
 *       trusted);</li>
 *   <li>{@link ModelProblem#RESOURCE_LIMIT}: the bytes written would pass the subtask's shared
 *       {@link UnpackedBytesBudget} (the other models' unpacked archives count too);</li>
 *   <li>{@link ModelProblem#INVALID_ARTIFACT}: not one of the formats, corrupt, encrypted, duplicate entries.</li>
 * </ul>
 * On any failure the directory is deleted before the exception leaves. Only regular files and directories are
 * created; entry permissions and owners are ignored.
 */
public final class SafeArchive {

    private static final int COPY_BUFFER = 64 * 1024;
    /** Tar overhead allowed per entry on top of the content: header, PAX/long-name records, padding. */
    private static final long TAR_OVERHEAD_PER_ENTRY = 4096;

    private static final long TAR_OVERHEAD_FIXED = 64 * 1024;

    private final LoadPolicy policy;
    private final Path parent;
    private final UnpackedBytesBudget subtaskBudget;

    /** Unpacks under the JVM's temporary directory ({@code java.io.tmpdir}). */
    public SafeArchive(LoadPolicy policy) {
        this(policy, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Unpacks under {@code parent}, which must exist. */
    public SafeArchive(LoadPolicy policy, Path parent) {
        this(policy, parent, UnpackedBytesBudget.unlimited());
    }

    /**
     * Unpacks under {@code parent}, drawing the bytes written from the subtask's shared budget (a write that would
     * pass it stops the unpacking with {@link ModelProblem#RESOURCE_LIMIT}).
     */
    public SafeArchive(LoadPolicy policy, Path parent, UnpackedBytesBudget subtaskBudget) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.parent = Objects.requireNonNull(parent, "parent");
        this.subtaskBudget = Objects.requireNonNull(subtaskBudget, "subtaskBudget");
    }

    /**
     * Unpacks {@code archive} into a new private directory.
     *
     * @return the unpacked tree; close it to delete it
     * @throws ModelLoadException UNSAFE_ARCHIVE, ARTIFACT_TOO_LARGE, RESOURCE_LIMIT or INVALID_ARTIFACT; nothing is
     *     left on disk and nothing stays reserved
     */
    public UnpackedArchive unpack(byte[] archive) throws ModelLoadException {
        ArchiveFormat format = ArchiveFormat.detect(archive)
                .orElseThrow(() -> new ModelLoadException(
                        ModelProblem.INVALID_ARTIFACT,
                        "not a zip, tar or tar.gz archive (" + archive.length + " bytes starting with "
                                + ArchiveFormat.head(archive) + ")"));
        if (format == ArchiveFormat.ZIP) {
            checkZipRecordCount(archive);
        }
        UnpackedArchive target;
        try {
            target = UnpackedArchive.createIn(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory under " + parent, e);
        }
        try {
            UnpackBudget budget =
                    new UnpackBudget(policy.maxArchiveEntries(), policy.maxUnpackedBytes(), subtaskBudget, target);
            switch (format) {
                case ZIP -> unpackZip(archive, target.root(), budget);
                case TAR -> unpackTar(new ByteArrayInputStream(archive), target.root(), budget, "tar");
                case TAR_GZ -> unpackTar(gunzip(archive), target.root(), budget, "tar.gz");
            }
            return target;
        } catch (ModelLoadException | RuntimeException e) {
            deleteAfterFailure(target, e);
            throw e;
        }
    }

    private static void deleteAfterFailure(UnpackedArchive target, Exception failure) {
        try {
            target.close();
        } catch (RuntimeException deletion) {
            failure.addSuppressed(deletion);
        }
    }

    // ---------------------------------------------------------------- zip

    /**
     * Counts central directory signatures before the zip reader builds its entry list in memory, so an archive
     * listing millions of tiny entries is refused without allocating them. Every entry has one such record, so the
     * count is an upper bound of the number of entries.
     */
    private void checkZipRecordCount(byte[] archive) throws ModelLoadException {
        long records = 0;
        for (int i = 0; i + 3 < archive.length; i++) {
            if (archive[i] == 0x50 && archive[i + 1] == 0x4B && archive[i + 2] == 0x01 && archive[i + 3] == 0x02) {
                records++;
            }
        }
        if (records > policy.maxArchiveEntries()) {
            throw new ModelLoadException(
                    ModelProblem.ARTIFACT_TOO_LARGE,
                    "the zip archive has more than " + policy.maxArchiveEntries() + " entries (" + records
                            + " central directory records)");
        }
    }

    private void unpackZip(byte[] archive, Path root, UnpackBudget budget) throws ModelLoadException {
        try (ZipFile zip = ZipFile.builder()
                .setSeekableByteChannel(new SeekableInMemoryByteChannel(archive))
                .get()) {
            Enumeration<ZipArchiveEntry> entries = zip.getEntriesInPhysicalOrder();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry entry = entries.nextElement();
                String name = entry.getName();
                budget.addEntry(name);
                rejectZipSpecialFile(entry);
                Path path = resolve(root, name);
                if (entry.isDirectory()) {
                    createDirectory(path, name);
                } else {
                    if (!zip.canReadEntryData(entry)) {
                        throw new ModelLoadException(
                                ModelProblem.INVALID_ARTIFACT,
                                "zip entry '" + name
                                        + "' is encrypted or uses an unsupported compression method ("
                                        + entry.getMethod()
                                        + ")");
                    }
                    try (InputStream in = zip.getInputStream(entry)) {
                        writeFile(in, root, path, name, budget);
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "corrupt zip archive: " + e.getMessage(), e);
        }
    }

    private static void rejectZipSpecialFile(ZipArchiveEntry entry) throws ModelLoadException {
        if (entry.isUnixSymlink()) {
            throw new ModelLoadException(
                    ModelProblem.UNSAFE_ARCHIVE,
                    "zip entry '" + entry.getName() + "' is a symbolic link; only files and directories are allowed");
        }
        if (entry.getPlatform() == ZipArchiveEntry.PLATFORM_UNIX) {
            int type = entry.getUnixMode() & 0170000;
            if (type != 0 && type != 0100000 && type != 0040000) {
                throw new ModelLoadException(
                        ModelProblem.UNSAFE_ARCHIVE,
                        "zip entry '" + entry.getName()
                                + "' is a special file (unix mode " + Integer.toOctalString(entry.getUnixMode())
                                + "); only files and directories are allowed");
            }
        }
    }

    // ---------------------------------------------------------------- tar

    private InputStream gunzip(byte[] archive) throws ModelLoadException {
        try {
            return new GZIPInputStream(new ByteArrayInputStream(archive), COPY_BUFFER);
        } catch (IOException e) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "corrupt gzip stream: " + e.getMessage(), e);
        }
    }

    private void unpackTar(InputStream raw, Path root, UnpackBudget budget, String kind) throws ModelLoadException {
        // Bounds every byte the tar reader consumes (headers and PAX records included), not only entry content.
        long streamCap = saturatedAdd(
                policy.maxUnpackedBytes(),
                saturatedAdd(TAR_OVERHEAD_FIXED, (policy.maxArchiveEntries() + 2L) * TAR_OVERHEAD_PER_ENTRY));
        CappedInputStream capped = new CappedInputStream(raw, streamCap);
        try (BufferedInputStream buffered = new BufferedInputStream(capped, COPY_BUFFER)) {
            requireTarHeader(buffered, kind);
            try (TarArchiveInputStream tar = new TarArchiveInputStream(buffered)) {
                TarArchiveEntry entry;
                while ((entry = tar.getNextEntry()) != null) {
                    String name = entry.getName();
                    budget.addEntry(name);
                    rejectTarSpecialFile(entry);
                    Path path = resolve(root, name);
                    if (entry.isDirectory()) {
                        createDirectory(path, name);
                    } else {
                        writeFile(tar, root, path, name, budget);
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            if (capped.exceeded()) {
                throw new ModelLoadException(
                        ModelProblem.ARTIFACT_TOO_LARGE,
                        "the " + kind + " archive decompresses to more than " + streamCap + " bytes",
                        e);
            }
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT, "corrupt " + kind + " archive: " + e.getMessage(), e);
        }
    }

    private static void requireTarHeader(BufferedInputStream in, String kind) throws IOException, ModelLoadException {
        byte[] head = new byte[ArchiveFormat.TAR_BLOCK];
        in.mark(head.length);
        int read = in.readNBytes(head, 0, head.length);
        in.reset();
        if (!ArchiveFormat.isTarHeader(head, read)) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT, "the " + kind + " content is not a tar stream (no ustar header)");
        }
    }

    private static void rejectTarSpecialFile(TarArchiveEntry entry) throws ModelLoadException {
        String what = null;
        if (entry.isSymbolicLink()) {
            what = "a symbolic link to '" + entry.getLinkName() + "'";
        } else if (entry.isLink()) {
            what = "a hard link to '" + entry.getLinkName() + "'";
        } else if (entry.isCharacterDevice() || entry.isBlockDevice()) {
            what = "a device";
        } else if (entry.isFIFO()) {
            what = "a FIFO";
        } else if (entry.isSparse()) {
            what = "a sparse file";
        } else if (!entry.isDirectory() && !entry.isFile()) {
            what = "of an unsupported type (" + (char) entry.getLinkFlag() + ")";
        }
        if (what != null) {
            throw new ModelLoadException(
                    ModelProblem.UNSAFE_ARCHIVE,
                    "tar entry '" + entry.getName() + "' is " + what + "; only files and directories are allowed");
        }
    }

    // ---------------------------------------------------------------- common

    /** Where an entry goes: inside {@code root} after normalisation, or refused. */
    static Path resolve(Path root, String name) throws ModelLoadException {
        if (name.isEmpty()) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "the archive has an entry with an empty name");
        }
        String slashed = name.replace('\\', '/');
        if (slashed.startsWith("/") || slashed.matches("^[A-Za-z]:/.*")) {
            throw new ModelLoadException(
                    ModelProblem.UNSAFE_ARCHIVE, "archive entry '" + name + "' has an absolute path");
        }
        Path path;
        try {
            path = root.resolve(slashed).normalize();
        } catch (InvalidPathException e) {
            throw new ModelLoadException(
                    ModelProblem.UNSAFE_ARCHIVE,
                    "archive entry '" + name + "' is not a valid path: " + e.getMessage(),
                    e);
        }
        if (!path.startsWith(root)) {
            throw new ModelLoadException(
                    ModelProblem.UNSAFE_ARCHIVE, "archive entry '" + name + "' escapes the archive folder");
        }
        return path;
    }

    private static void createDirectory(Path path, String name) throws ModelLoadException {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT, "cannot create directory for archive entry '" + name + "': " + e, e);
        }
    }

    private static void writeFile(InputStream in, Path root, Path path, String name, UnpackBudget budget)
            throws ModelLoadException, IOException {
        if (path.equals(root)) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT, "archive file entry '" + name + "' names the archive folder itself");
        }
        createDirectory(path.getParent(), name);
        OutputStream out;
        try {
            out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "archive entry '" + name + "' appears twice or collides with a directory",
                    e);
        }
        try (out) {
            byte[] buffer = new byte[COPY_BUFFER];
            int n;
            while ((n = in.read(buffer)) != -1) {
                budget.addBytes(n, name);
                out.write(buffer, 0, n);
            }
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** Fails reads past a byte count and remembers that it did, so the caller can tell "too large" from "corrupt". */
    private static final class CappedInputStream extends FilterInputStream {

        private final long cap;
        private long count;
        private boolean exceeded;

        CappedInputStream(InputStream in, long cap) {
            super(in);
            this.cap = cap;
        }

        boolean exceeded() {
            return exceeded;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            if (skipped > 0) {
                counted(skipped);
            }
            return skipped;
        }

        private void counted(long n) throws IOException {
            count += n;
            if (count > cap) {
                exceeded = true;
                throw new IOException("stream exceeds " + cap + " bytes");
            }
        }
    }
}
