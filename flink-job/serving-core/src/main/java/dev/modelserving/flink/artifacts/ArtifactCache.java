package dev.modelserving.flink.artifacts;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TaskManager's local copies of referenced artifacts, in one directory, each stored under its SHA-256 (the file
 * name is the hash: a descriptor pins its artifact, so a hit needs no trip to the remote file system and two
 * descriptors of the same bytes share one copy).
 *
 * <p>A download streams into a temporary file of the directory while it is hashed and counted (at most the size
 * limit + 1 bytes are read), and is renamed atomically to its hash only when the hash matches: a half-written or
 * wrong file never has a hash's name. Two loads of the same hash in this JVM download once (the second waits); two
 * TaskManagers sharing the directory may both download, and the second rename replaces the first with identical bytes.
 *
 * <p>Bounded: after every download the entries beyond {@code maxBytes} are deleted, least recently used first
 * (a hit touches the file's modification time). An entry being read by a load of this JVM is never deleted; the
 * entry just downloaded neither. Files that are not hashes are left alone, except stale temporary files of
 * this cache. Thread-safe.
 */
public final class ArtifactCache {

    private static final Logger LOG = LoggerFactory.getLogger(ArtifactCache.class);
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final String TEMP_PREFIX = ".download-";

    /** Where the bytes of one artifact come from (a remote file system). */
    @FunctionalInterface
    public interface Download {
        InputStream open() throws IOException;
    }

    private final Path directory;
    private final long maxBytes;
    /** Hashes being downloaded or read now, with how many users: never evicted. */
    private final Map<String, Integer> inUse = new HashMap<>();

    private final AtomicLong downloads = new AtomicLong();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();

    public ArtifactCache(Path directory, long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("the model cache size must be positive, got " + maxBytes);
        }
        this.directory = directory.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
    }

    public Path directory() {
        return directory;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Runs {@code use} with the local file of {@code sha256}, downloading it first if it is not cached. The file is
     * protected from eviction while {@code use} runs.
     */
    public <T> T withFile(String sha256, long maxArtifactBytes, Download download, FileUse<T> use)
            throws ModelLoadException {
        if (!HASH.matcher(sha256).matches()) {
            throw new ModelLoadException(ModelProblem.CHECKSUM_MISMATCH, "not a SHA-256: '" + sha256 + "'");
        }
        acquire(sha256);
        try {
            Path file = directory.resolve(sha256);
            synchronized (lockOf(sha256)) {
                if (Files.isRegularFile(file)) {
                    hits.incrementAndGet();
                    touch(file);
                } else {
                    fetch(sha256, maxArtifactBytes, download, file);
                    downloads.incrementAndGet();
                    evictBeyondBound();
                }
            }
            return use.apply(file);
        } finally {
            release(sha256);
        }
    }

    /** What a load does with the cached file. */
    @FunctionalInterface
    public interface FileUse<T> {
        T apply(Path file) throws ModelLoadException;
    }

    private final Map<String, Object> locks = new HashMap<>();

    private synchronized Object lockOf(String sha256) {
        return locks.computeIfAbsent(sha256, k -> new Object());
    }

    private synchronized void acquire(String sha256) {
        inUse.merge(sha256, 1, Integer::sum);
    }

    private synchronized void release(String sha256) {
        if (inUse.merge(sha256, -1, Integer::sum) == 0) {
            inUse.remove(sha256);
            locks.remove(sha256);
        }
    }

    private synchronized boolean used(String sha256) {
        return inUse.containsKey(sha256);
    }

    private void fetch(String sha256, long maxArtifactBytes, Download download, Path file) throws ModelLoadException {
        Path temp;
        try {
            Files.createDirectories(directory);
            temp = Files.createTempFile(directory, TEMP_PREFIX, ".part");
        } catch (IOException e) {
            throw new ModelLoadException(
                    ModelProblem.RESOURCE_LIMIT, "cannot write the model cache " + directory + ": " + e, e);
        }
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            long copied;
            try (InputStream in = download.open();
                    OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), digest)) {
                copied = copyBounded(in, out, maxArtifactBytes);
            }
            if (copied > maxArtifactBytes) {
                throw new ModelLoadException(
                        ModelProblem.ARTIFACT_TOO_LARGE,
                        "the referenced artifact is over the limit of " + maxArtifactBytes + " bytes");
            }
            if (copied == 0) {
                throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "the referenced artifact is empty");
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(sha256)) {
                throw new ModelLoadException(
                        ModelProblem.CHECKSUM_MISMATCH,
                        "the referenced artifact's sha256 is " + actual + " but the descriptor says " + sha256);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new ModelLoadException(
                        ModelProblem.RESOURCE_LIMIT, "the model cache " + directory + " cannot rename atomically", e);
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        } catch (IOException e) {
            throw new ModelLoadException(
                    ModelProblem.ARTIFACT_NOT_FOUND, "cannot download the referenced artifact: " + e, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /** Copies at most {@code limit + 1} bytes; returns how many were copied. */
    private static long copyBounded(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        while (total <= limit) {
            int want = (int) Math.min(buffer.length, limit + 1 - total);
            int read = in.read(buffer, 0, want);
            if (read < 0) {
                break;
            }
            out.write(buffer, 0, read);
            total += read;
        }
        return total;
    }

    /** Deletes cached artifacts, least recently used first, while the cache holds more than its bound. */
    private void evictBeyondBound() {
        List<Path> entries = new ArrayList<>();
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (HASH.matcher(name).matches() && Files.isRegularFile(file)) {
                    entries.add(file);
                    total += Files.size(file);
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list the model cache {} to bound it", directory, e);
            return;
        }
        if (total <= maxBytes) {
            return;
        }
        entries.sort(Comparator.comparing(ArtifactCache::lastUsed));
        for (Path entry : entries) {
            if (total <= maxBytes) {
                break;
            }
            String hash = entry.getFileName().toString();
            if (used(hash)) {
                continue;
            }
            try {
                long size = Files.size(entry);
                Files.deleteIfExists(entry);
                total -= size;
                evictions.incrementAndGet();
                LOG.info(
                        "evicted the cached artifact {} ({} bytes) to stay within {} bytes (--model-cache-max-bytes)",
                        hash,
                        size,
                        maxBytes);
            } catch (IOException e) {
                LOG.warn("cannot evict the cached artifact {}", entry, e);
            }
        }
        if (total > maxBytes) {
            LOG.warn(
                    "the model cache {} holds {} bytes, over its bound of {} bytes: the artifacts in use cannot be"
                            + " evicted",
                    directory,
                    total,
                    maxBytes);
        }
    }

    private static FileTime lastUsed(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            LOG.debug("cannot touch the cached artifact {}", file, e);
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.warn("cannot delete the temporary download {}", temp, e);
        }
    }

    /** Artifacts downloaded by this JVM. */
    public long downloads() {
        return downloads.get();
    }

    /** Loads served from a cached copy. */
    public long hits() {
        return hits.get();
    }

    /** Cached artifacts deleted to stay within the bound. */
    public long evictions() {
        return evictions.get();
    }
}
