package dev.modelserving.flink.parse;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Arrays;

/**
 * Strings kept by their UTF-8 bytes, so a string met again in a payload is neither decoded nor hashed again: looked up
 * by its bytes where they stand in the payload, without copying them, it comes back as the String met first (whose
 * hash is cached).
 *
 * <p>Bounded against hostile input: at most {@value #MAX_STRINGS} strings of at most {@value #MAX_CACHED_BYTES} UTF-8
 * bytes are kept (a few hundred KB), and a lookup probes at most {@value #MAX_PROBES} slots past the first; other
 * strings are decoded as protobuf decodes them, every time. Not thread-safe.
 */
final class StringTable {

    /** How many strings are kept; strings met after that are decoded every time. */
    static final int MAX_STRINGS = 1024;

    /** Longer strings are decoded every time (they would make the table big, and are rare). */
    static final int MAX_CACHED_BYTES = 128;

    /** Open addressing, twice the strings, a power of two. */
    private static final int SLOTS = 2 * MAX_STRINGS;

    /** Slots probed before a string is decoded instead: strings made to collide cannot make a lookup long. */
    private static final int MAX_PROBES = 8;

    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];
    private int size;

    /** How many strings are kept. */
    int size() {
        return size;
    }

    /**
     * The string whose UTF-8 bytes are {@code payload[offset, offset + length)}.
     *
     * @throws InvalidProtocolBufferException when the bytes are not UTF-8 (protobuf's rule for a string field)
     */
    String get(byte[] payload, int offset, int length) throws InvalidProtocolBufferException {
        if (length > MAX_CACHED_BYTES) {
            return decode(payload, offset, length);
        }
        int hash = 1;
        for (int i = offset; i < offset + length; i++) {
            hash = 31 * hash + payload[i];
        }
        int slot = spread(hash) & (SLOTS - 1);
        for (int probes = 0; bytes[slot] != null; probes++) {
            if (Arrays.equals(bytes[slot], 0, bytes[slot].length, payload, offset, offset + length)) {
                return strings[slot];
            }
            if (probes == MAX_PROBES) {
                return decode(payload, offset, length);
            }
            slot = (slot + 1) & (SLOTS - 1);
        }
        String string = decode(payload, offset, length);
        if (size < MAX_STRINGS) {
            bytes[slot] = Arrays.copyOfRange(payload, offset, offset + length);
            strings[slot] = string;
            size++;
        }
        return string;
    }

    private static String decode(byte[] payload, int offset, int length) throws InvalidProtocolBufferException {
        ByteString utf8 = ByteString.copyFrom(payload, offset, length);
        if (!utf8.isValidUtf8()) {
            throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
        }
        return utf8.toStringUtf8();
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }
}
