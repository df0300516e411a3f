package dev.modelserving.model.archive;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of unpacked archives one operator instance (subtask) may hold on disk at once, shared by every archive it
 * unpacks, whatever model it belongs to. Each unpacking reserves its bytes while it writes them (a per-archive limit
 * alone lets many models together fill the disk); an {@link UnpackedArchive} gives its bytes back when it is closed,
 * which is when its model closes. Thread-safe: models load on several threads.
 */
public final class UnpackedBytesBudget {

    private final long limit;
    private final AtomicLong inUse = new AtomicLong();

    /** A budget of {@code limit} bytes (positive). */
    public UnpackedBytesBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("the unpacked bytes budget must be positive, got " + limit);
        }
        this.limit = limit;
    }

    /** No bound (tests, and factories used on their own). */
    public static UnpackedBytesBudget unlimited() {
        return new UnpackedBytesBudget(Long.MAX_VALUE);
    }

    /** The bound, in bytes. */
    public long limit() {
        return limit;
    }

    /** Bytes reserved by the unpacked archives alive now. */
    public long inUse() {
        return inUse.get();
    }

    /** Reserves {@code bytes} if that keeps the total within the limit; false (and nothing reserved) otherwise. */
    boolean tryReserve(long bytes) {
        while (true) {
            long used = inUse.get();
            if (bytes > limit - used) {
                return false;
            }
            if (inUse.compareAndSet(used, used + bytes)) {
                return true;
            }
        }
    }

    /** Gives back bytes reserved earlier. */
    void release(long bytes) {
        inUse.addAndGet(-bytes);
    }
}
