package dev.modelserving.model.archive;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/** The archive formats {@link SafeArchive} reads, recognised by their magic bytes (never by a name). */
public enum ArchiveFormat {
    /** A zip file ({@code PK\3\4}, or {@code PK\5\6} when empty). */
    ZIP,
    /** A POSIX/GNU tar stream ({@code ustar} at offset 257). */
    TAR,
    /** A gzip stream ({@code 1f 8b}); its content must be a tar stream. */
    TAR_GZ;

    static final int TAR_BLOCK = 512;
    private static final int TAR_MAGIC_OFFSET = 257;
    private static final byte[] TAR_MAGIC = "ustar".getBytes(StandardCharsets.US_ASCII);

    /** The format of these bytes, or empty when they start like none of them. */
    public static Optional<ArchiveFormat> detect(byte[] bytes) {
        if (startsWith(bytes, 0x50, 0x4B, 0x03, 0x04) || startsWith(bytes, 0x50, 0x4B, 0x05, 0x06)) {
            return Optional.of(ZIP);
        }
        if (startsWith(bytes, 0x1F, 0x8B)) {
            return Optional.of(TAR_GZ);
        }
        if (isTarHeader(bytes, bytes.length)) {
            return Optional.of(TAR);
        }
        return Optional.empty();
    }

    /** Whether the first {@code length} bytes hold a tar header block with the {@code ustar} magic. */
    static boolean isTarHeader(byte[] bytes, int length) {
        return length >= TAR_BLOCK
                && Arrays.equals(
                        bytes, TAR_MAGIC_OFFSET, TAR_MAGIC_OFFSET + TAR_MAGIC.length, TAR_MAGIC, 0, TAR_MAGIC.length);
    }

    /** The first bytes in hex, for error messages. */
    static String head(byte[] bytes) {
        return HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(8, bytes.length));
    }

    private static boolean startsWith(byte[] bytes, int... magic) {
        if (bytes.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((bytes[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
