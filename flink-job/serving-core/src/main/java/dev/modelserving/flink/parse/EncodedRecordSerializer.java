package dev.modelserving.flink.parse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink serializer of {@link EncodedRecord}, the record that crosses the exchange in front of the serving operator
 * once per data record. Flink's {@code PojoSerializer} spent a noticeable part of the serving thread on it (reflective
 * field access, boxing, a new String per field and record); this one writes an explicit format and reads it back
 * without reflection:
 *
 * <pre>
 * byte    format version (1)
 * string  data type
 * string  topic
 * int     partition
 * long    offset
 * long    timestamp
 * bytes   key (length -1: no key)
 * bytes   payload
 * </pre>
 *
 * where a string is an int length (-1: null) and its UTF-8 bytes, and bytes are an int length and the bytes.
 *
 * <p>Reading keeps the last data type and topic it decoded: when the next record's bytes are the same, the record gets
 * the same String instance, so the records of one data type share one String whose hash (the key group of the keyed
 * serving operator) is computed once. That makes an instance stateful: {@link #duplicate()} gives each thread its
 * own.
 *
 * <p>Bytes from the stream are not trusted: a negative length, a string longer than {@value #MAX_STRING_BYTES} bytes,
 * an unknown format version or a length beyond the input is an {@link IOException}; a length is never allocated ahead
 * of the bytes that back it by more than {@value #CHUNK_BYTES} bytes, so a lying length cannot exhaust the heap.
 */
public final class EncodedRecordSerializer extends TypeSerializer<EncodedRecord> {

    private static final long serialVersionUID = 1L;

    /** The format version written in front of every record. */
    static final int FORMAT_VERSION = 1;
    /** Largest data type or topic in UTF-8 bytes (data types have at most 128 characters, topics 249). */
    static final int MAX_STRING_BYTES = 64 * 1024;
    /** Byte arrays up to this size are allocated at once; larger ones grow as their bytes arrive. */
    static final int CHUNK_BYTES = 1024 * 1024;
    /** Largest array the JVM allocates. */
    static final int MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    private static final int NULL_LENGTH = -1;

    /** Last strings written and read: their UTF-8 bytes are encoded or decoded once per change, not per record. */
    private final transient LastString writtenDataType = new LastString();

    private final transient LastString writtenTopic = new LastString();
    private final transient LastString readDataType = new LastString();
    private final transient LastString readTopic = new LastString();
    /** Where strings are read before they are compared with the last ones, and the buffer of serialized copies. */
    private transient byte[] scratch = new byte[256];

    /** A serializer with nothing read or written yet. */
    public EncodedRecordSerializer() {}

    /** Java deserialization (Flink ships serializers inside job graphs) starts with fresh buffers. */
    private Object readResolve() {
        return new EncodedRecordSerializer();
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<EncodedRecord> duplicate() {
        return new EncodedRecordSerializer(); // the buffers and last strings are per thread
    }

    @Override
    public EncodedRecord createInstance() {
        return new EncodedRecord();
    }

    /** A deep copy: EncodedRecord and RawRecord are mutable, and so are their byte arrays. */
    @Override
    public EncodedRecord copy(EncodedRecord from) {
        RawRecord raw = from.getRaw();
        return new EncodedRecord(
                from.getDataType(),
                new RawRecord(
                        raw.getPayload().clone(),
                        raw.getKey() == null ? null : raw.getKey().clone(),
                        raw.getTopic(),
                        raw.getPartition(),
                        raw.getOffset(),
                        raw.getTimestamp()));
    }

    @Override
    public EncodedRecord copy(EncodedRecord from, EncodedRecord reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    /**
     * Writes {@code record}; its {@code raw} must not be null (the {@link EncodedRecord} constructor ensures it).
     *
     * @throws IOException when the data type or topic is longer than {@value #MAX_STRING_BYTES} UTF-8 bytes
     */
    @Override
    public void serialize(EncodedRecord record, DataOutputView target) throws IOException {
        RawRecord raw = record.getRaw();
        target.writeByte(FORMAT_VERSION);
        writeString(record.getDataType(), writtenDataType, "data type", target);
        writeString(raw.getTopic(), writtenTopic, "topic", target);
        target.writeInt(raw.getPartition());
        target.writeLong(raw.getOffset());
        target.writeLong(raw.getTimestamp());
        byte[] key = raw.getKey();
        if (key == null) {
            target.writeInt(NULL_LENGTH);
        } else {
            target.writeInt(key.length);
            target.write(key);
        }
        byte[] payload = raw.getPayload();
        target.writeInt(payload.length);
        target.write(payload);
    }

    @Override
    public EncodedRecord deserialize(DataInputView source) throws IOException {
        return deserialize(new EncodedRecord(), source);
    }

    /** Reads into {@code reuse} and its RawRecord; the byte arrays are always new. */
    @Override
    public EncodedRecord deserialize(EncodedRecord reuse, DataInputView source) throws IOException {
        readVersion(source);
        String dataType = readString(source, readDataType, "data type");
        String topic = readString(source, readTopic, "topic");
        int partition = source.readInt();
        long offset = source.readLong();
        long timestamp = source.readLong();
        int keyLength = source.readInt();
        byte[] key = keyLength == NULL_LENGTH ? null : readBytes(source, checkedLength(keyLength, "key"));
        byte[] payload = readBytes(source, checkedLength(source.readInt(), "payload"));

        EncodedRecord record = reuse == null ? new EncodedRecord() : reuse;
        RawRecord raw = record.getRaw() == null ? new RawRecord() : record.getRaw();
        raw.setPayload(payload);
        raw.setKey(key);
        raw.setTopic(topic);
        raw.setPartition(partition);
        raw.setOffset(offset);
        raw.setTimestamp(timestamp);
        record.setRaw(raw);
        record.setDataType(dataType);
        return record;
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        target.writeByte(readVersion(source));
        copyString(source, target, "data type");
        copyString(source, target, "topic");
        target.writeInt(source.readInt());
        target.writeLong(source.readLong());
        target.writeLong(source.readLong());
        int keyLength = source.readInt();
        if (keyLength == NULL_LENGTH) {
            target.writeInt(NULL_LENGTH);
        } else {
            copyBytes(source, target, checkedLength(keyLength, "key"));
        }
        copyBytes(source, target, checkedLength(source.readInt(), "payload"));
    }

    private static int readVersion(DataInputView source) throws IOException {
        int version = source.readUnsignedByte();
        if (version != FORMAT_VERSION) {
            throw new IOException("unknown EncodedRecord format version " + version + " (this code reads "
                    + FORMAT_VERSION + "): the stream is corrupt or was written by a newer serializer");
        }
        return version;
    }

    private static void writeString(String value, LastString last, String field, DataOutputView target)
            throws IOException {
        if (value == null) {
            target.writeInt(NULL_LENGTH);
            return;
        }
        if (!last.holds(value)) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > MAX_STRING_BYTES) {
                throw new IOException("EncodedRecord " + field + " of " + utf8.length + " UTF-8 bytes is longer than "
                        + MAX_STRING_BYTES);
            }
            last.remember(value, utf8, utf8.length);
        }
        target.writeInt(last.length);
        target.write(last.bytes, 0, last.length);
    }

    private String readString(DataInputView source, LastString last, String field) throws IOException {
        int length = source.readInt();
        if (length == NULL_LENGTH) {
            return null;
        }
        readIntoScratch(source, checkedStringLength(length, field));
        if (last.holds(scratch, length)) {
            return last.value;
        }
        String value = new String(scratch, 0, length, StandardCharsets.UTF_8);
        last.remember(value, scratch, length);
        return value;
    }

    private void copyString(DataInputView source, DataOutputView target, String field) throws IOException {
        int length = source.readInt();
        target.writeInt(length);
        if (length != NULL_LENGTH) {
            readIntoScratch(source, checkedStringLength(length, field));
            target.write(scratch, 0, length);
        }
    }

    /** Reads {@code length} bytes (at most {@value #MAX_STRING_BYTES}) into the start of {@link #scratch}. */
    private void readIntoScratch(DataInputView source, int length) throws IOException {
        if (scratch.length < length) {
            scratch = new byte[Math.min(MAX_STRING_BYTES, Math.max(length, 2 * scratch.length))];
        }
        source.readFully(scratch, 0, length);
    }

    /** The array is allocated in steps as its bytes arrive, so a length the input does not back fails early. */
    private static byte[] readBytes(DataInputView source, int length) throws IOException {
        byte[] bytes = new byte[Math.min(length, CHUNK_BYTES)];
        int read = 0;
        while (true) {
            source.readFully(bytes, read, bytes.length - read);
            read = bytes.length;
            if (read == length) {
                return bytes;
            }
            bytes = Arrays.copyOf(bytes, (int) Math.min(length, 2L * read));
        }
    }

    /** Streams {@code length} bytes through {@link #scratch}, at most {@value #MAX_STRING_BYTES} at a time. */
    private void copyBytes(DataInputView source, DataOutputView target, int length) throws IOException {
        target.writeInt(length);
        int remaining = length;
        while (remaining > 0) {
            int step = Math.min(remaining, MAX_STRING_BYTES);
            readIntoScratch(source, step);
            target.write(scratch, 0, step);
            remaining -= step;
        }
    }

    private static int checkedLength(int length, String field) throws IOException {
        if (length < 0 || length > MAX_ARRAY_BYTES) {
            throw new IOException("corrupt EncodedRecord: " + field + " length " + length);
        }
        return length;
    }

    private static int checkedStringLength(int length, String field) throws IOException {
        if (length < 0 || length > MAX_STRING_BYTES) {
            throw new IOException("corrupt EncodedRecord: " + field + " length " + length + " (at most "
                    + MAX_STRING_BYTES + " bytes)");
        }
        return length;
    }

    @Override
    public TypeSerializerSnapshot<EncodedRecord> snapshotConfiguration() {
        return new EncodedRecordSerializerSnapshot();
    }

    /** All instances write and read the same format; the last strings they keep are a cache, not configuration. */
    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedRecordSerializer;
    }

    @Override
    public int hashCode() {
        return EncodedRecordSerializer.class.hashCode();
    }

    @Override
    public String toString() {
        return "EncodedRecordSerializer";
    }

    /** The last string written or read in one field, with its UTF-8 bytes. */
    private static final class LastString {

        private String value;
        private byte[] bytes = new byte[0];
        private int length;

        boolean holds(String candidate) {
            return value != null && value.equals(candidate); // identity first, then a short compare
        }

        boolean holds(byte[] utf8, int utf8Length) {
            return value != null && Arrays.equals(bytes, 0, length, utf8, 0, utf8Length);
        }

        void remember(String newValue, byte[] utf8, int utf8Length) {
            if (bytes.length < utf8Length) {
                bytes = new byte[utf8Length];
            }
            System.arraycopy(utf8, 0, bytes, 0, utf8Length);
            length = utf8Length;
            value = newValue;
        }
    }
}
