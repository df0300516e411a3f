package dev.modelserving.flink.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * Flink's own serializer contract checks (copy, sequences, serialized copy, snapshot + restore, serializability,
 * duplicate under concurrency), plus the format's own promises: one String per data type, deep copies and hostile
 * lengths as IOExceptions.
 */
class EncodedRecordSerializerTest extends SerializerTestBase<EncodedRecord> {

    @Override
    protected TypeSerializer<EncodedRecord> createSerializer() {
        return new EncodedRecordSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<EncodedRecord> getTypeClass() {
        return EncodedRecord.class;
    }

    @Override
    protected EncodedRecord[] getTestData() {
        return new EncodedRecord[] {
            new EncodedRecord(),
            record("wine", bytes(105), "m-1".getBytes(StandardCharsets.UTF_8)),
            record("wine", bytes(105), null),
            new EncodedRecord("sensor", new RawRecord(new byte[0], new byte[0], "readings", 7, Long.MAX_VALUE, -1L)),
            new EncodedRecord("données ✓", new RawRecord(bytes(3000), bytes(40), "tøpic", -1, 0L, Long.MIN_VALUE)),
            record("wine", bytes(1), null),
        };
    }

    private static EncodedRecord record(String dataType, byte[] payload, byte[] key) {
        return new EncodedRecord(dataType, new RawRecord(payload, key, "records", 3, 42L, 1_700_000_000_000L));
    }

    /** Bytes that differ from position to position, so a shifted or truncated copy is noticed. */
    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        return bytes;
    }

    private static byte[] serialize(EncodedRecordSerializer serializer, EncodedRecord... records) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (EncodedRecord record : records) {
            serializer.serialize(record, out);
        }
        return out.getCopyOfBuffer();
    }

    private static EncodedRecord roundTrip(EncodedRecord record) throws IOException {
        DataInputDeserializer in = new DataInputDeserializer(serialize(new EncodedRecordSerializer(), record));
        EncodedRecord read = new EncodedRecordSerializer().deserialize(in);
        assertThat(in.available()).isZero();
        return read;
    }

    @Test
    void roundTripsEveryFieldWithAndWithoutAKey() throws IOException {
        EncodedRecord keyed = record("wine", bytes(105), "m-1".getBytes(StandardCharsets.UTF_8));
        EncodedRecord keyless = record("wine", bytes(105), null);

        EncodedRecord readKeyed = roundTrip(keyed);
        EncodedRecord readKeyless = roundTrip(keyless);

        assertThat(readKeyed).isEqualTo(keyed);
        assertThat(readKeyed.getRaw().keyAsString()).isEqualTo("m-1");
        assertThat(readKeyed.getRaw().getTopic()).isEqualTo("records");
        assertThat(readKeyed.getRaw().getPartition()).isEqualTo(3);
        assertThat(readKeyed.getRaw().getOffset()).isEqualTo(42L);
        assertThat(readKeyed.getRaw().getTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(readKeyless).isEqualTo(keyless);
        assertThat(readKeyless.getRaw().getKey()).isNull();
    }

    @Test
    void anEmptyKeyStaysEmptyAndAnEmptyPayloadStaysEmpty() throws IOException {
        EncodedRecord read = roundTrip(record("wine", new byte[0], new byte[0]));

        assertThat(read.getRaw().getKey()).isNotNull().isEmpty();
        assertThat(read.getRaw().getPayload()).isEmpty();
    }

    @Test
    void nullStringsRoundTripAsNull() throws IOException {
        EncodedRecord record = record("wine", bytes(5), null);
        record.setDataType(null);
        record.getRaw().setTopic(null);

        EncodedRecord read = roundTrip(record);

        assertThat(read.getDataType()).isNull();
        assertThat(read.getRaw().getTopic()).isNull();
        assertThat(read.getRaw().getPayload()).isEqualTo(bytes(5));
    }

    @Test
    void bigPayloadsRoundTripAndCopyThroughTheViews() throws IOException {
        EncodedRecordSerializer serializer = new EncodedRecordSerializer();
        // 1 MiB is allocated at once; 5 MiB + 3 grows as its bytes arrive.
        for (int size : new int[] {1024 * 1024, 5 * 1024 * 1024 + 3}) {
            EncodedRecord big = record("image", bytes(size), bytes(70_000));

            assertThat(roundTrip(big)).isEqualTo(big);
            DataOutputSerializer copied = new DataOutputSerializer(64);
            serializer.copy(new DataInputDeserializer(serialize(serializer, big)), copied);
            assertThat(copied.getCopyOfBuffer()).isEqualTo(serialize(serializer, big));
        }
    }

    @Test
    void recordsOfOneDataTypeAndTopicShareOneStringInstance() throws IOException {
        EncodedRecordSerializer writer = new EncodedRecordSerializer();
        // Distinct but equal Strings, as the reader produces them: one per record.
        byte[] stream = serialize(
                writer,
                record(new String("wine".toCharArray()), bytes(10), null),
                record(new String("wine".toCharArray()), bytes(11), null),
                record("sensor", bytes(12), null),
                record(new String("wine".toCharArray()), bytes(13), null));
        EncodedRecordSerializer reader = new EncodedRecordSerializer();
        DataInputDeserializer in = new DataInputDeserializer(stream);

        EncodedRecord first = reader.deserialize(in);
        EncodedRecord second = reader.deserialize(in);
        EncodedRecord sensor = reader.deserialize(reader.createInstance(), in);
        EncodedRecord wineAgain = reader.deserialize(reader.createInstance(), in);

        assertThat(second.getDataType()).isSameAs(first.getDataType()).isEqualTo("wine");
        assertThat(second.getRaw().getTopic()).isSameAs(first.getRaw().getTopic());
        assertThat(sensor.getDataType()).isEqualTo("sensor").isNotSameAs(first.getDataType());
        assertThat(sensor.getRaw().getTopic()).isSameAs(first.getRaw().getTopic());
        assertThat(wineAgain.getDataType()).isEqualTo("wine");
        assertThat(second.getRaw().getPayload())
                .isEqualTo(bytes(11))
                .isNotSameAs(first.getRaw().getPayload());
        assertThat(wineAgain.getRaw().getPayload()).isEqualTo(bytes(13));
    }

    @Test
    void readingIntoAReusedRecordGivesItNewByteArrays() throws IOException {
        EncodedRecordSerializer serializer = new EncodedRecordSerializer();
        DataInputDeserializer in = new DataInputDeserializer(
                serialize(serializer, record("wine", bytes(8), bytes(2)), record("wine", bytes(9), null)));

        EncodedRecord reused = serializer.deserialize(serializer.createInstance(), in);
        byte[] firstPayload = reused.getRaw().getPayload();
        EncodedRecord next = serializer.deserialize(reused, in);

        assertThat(next).isSameAs(reused);
        assertThat(next.getRaw().getKey()).isNull();
        assertThat(next.getRaw().getPayload()).isEqualTo(bytes(9));
        assertThat(firstPayload).isEqualTo(bytes(8));
    }

    @Test
    void copiesAreDeep() {
        EncodedRecord original = record("wine", bytes(20), bytes(4));
        EncodedRecordSerializer serializer = new EncodedRecordSerializer();

        EncodedRecord copy = serializer.copy(original);
        EncodedRecord intoReuse = serializer.copy(original, serializer.createInstance());
        original.getRaw().getPayload()[0]++;
        original.getRaw().getKey()[0]++;
        original.getRaw().setOffset(99L);

        for (EncodedRecord c : Arrays.asList(copy, intoReuse)) {
            assertThat(c.getRaw()).isNotSameAs(original.getRaw());
            assertThat(c.getRaw().getPayload()).isEqualTo(bytes(20));
            assertThat(c.getRaw().getKey()).isEqualTo(bytes(4));
            assertThat(c.getRaw().getOffset()).isEqualTo(42L);
        }
        assertThat(serializer.copy(record("wine", bytes(1), null)).getRaw().getKey())
                .isNull();
    }

    @Test
    void isStatefulSoEachDuplicateIsANewInstance() {
        EncodedRecordSerializer serializer = new EncodedRecordSerializer();

        assertThat(serializer.isImmutableType()).isFalse();
        assertThat(serializer.duplicate()).isNotSameAs(serializer).isEqualTo(serializer);
        assertThat(serializer.snapshotConfiguration().restoreSerializer()).isEqualTo(serializer);
    }

    /** A stream holding one record's fields up to the key length, which the test writes itself. */
    private static DataOutputSerializer upToTheKey(int version) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        out.writeByte(version);
        out.writeInt(4);
        out.write("wine".getBytes(StandardCharsets.UTF_8));
        out.writeInt(7);
        out.write("records".getBytes(StandardCharsets.UTF_8));
        out.writeInt(0);
        out.writeLong(1L);
        out.writeLong(2L);
        return out;
    }

    private static void assertCorrupt(byte[] stream, String message) {
        assertThatThrownBy(() -> new EncodedRecordSerializer().deserialize(new DataInputDeserializer(stream)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(message);
        assertThatThrownBy(() -> new EncodedRecordSerializer()
                        .copy(new DataInputDeserializer(stream), new DataOutputSerializer(64)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(message);
    }

    @Test
    void negativeLengthsAreIoExceptions() throws IOException {
        DataOutputSerializer negativePayload = upToTheKey(1);
        negativePayload.writeInt(-1);
        negativePayload.writeInt(-5);
        DataOutputSerializer negativeKey = upToTheKey(1);
        negativeKey.writeInt(-2);
        DataOutputSerializer negativeString = new DataOutputSerializer(16);
        negativeString.writeByte(1);
        negativeString.writeInt(-7);

        assertCorrupt(negativePayload.getCopyOfBuffer(), "payload length -5");
        assertCorrupt(negativeKey.getCopyOfBuffer(), "key length -2");
        assertCorrupt(negativeString.getCopyOfBuffer(), "data type length -7");
    }

    @Test
    void lengthsBeyondTheInputAreIoExceptionsWithoutAllocatingThem() throws IOException {
        DataOutputSerializer hugePayload = upToTheKey(1);
        hugePayload.writeInt(-1);
        hugePayload.writeInt(EncodedRecordSerializer.MAX_ARRAY_BYTES); // backed by 10 bytes
        hugePayload.write(bytes(10));
        DataOutputSerializer hugeKey = upToTheKey(1);
        hugeKey.writeInt(Integer.MAX_VALUE);
        DataOutputSerializer hugeTopic = new DataOutputSerializer(16);
        hugeTopic.writeByte(1);
        hugeTopic.writeInt(0);
        hugeTopic.writeInt(EncodedRecordSerializer.MAX_STRING_BYTES + 1);
        DataOutputSerializer shortString = new DataOutputSerializer(16);
        shortString.writeByte(1);
        shortString.writeInt(200);
        shortString.write(bytes(3));

        assertThatThrownBy(() -> new EncodedRecordSerializer()
                        .deserialize(new DataInputDeserializer(hugePayload.getCopyOfBuffer())))
                .isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> new EncodedRecordSerializer()
                        .copy(new DataInputDeserializer(hugePayload.getCopyOfBuffer()), new DataOutputSerializer(64)))
                .isInstanceOf(EOFException.class);
        assertCorrupt(hugeKey.getCopyOfBuffer(), "key length " + Integer.MAX_VALUE);
        assertCorrupt(hugeTopic.getCopyOfBuffer(), "topic length " + (EncodedRecordSerializer.MAX_STRING_BYTES + 1));
        assertThatThrownBy(() -> new EncodedRecordSerializer()
                        .deserialize(new DataInputDeserializer(shortString.getCopyOfBuffer())))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void anUnknownFormatVersionOrATruncatedRecordIsAnIoException() throws IOException {
        byte[] valid = serialize(new EncodedRecordSerializer(), record("wine", bytes(30), bytes(3)));
        byte[] newer = valid.clone();
        newer[0] = 2;

        assertCorrupt(newer, "format version 2");
        for (int cut : new int[] {0, 1, 10, valid.length - 1}) {
            assertThatThrownBy(() -> new EncodedRecordSerializer()
                            .deserialize(new DataInputDeserializer(Arrays.copyOf(valid, cut))))
                    .isInstanceOf(EOFException.class);
        }
    }

    @Test
    void aStringLongerThanTheFormatAllowsIsRefusedWhenWritten() {
        String tooLong = "x".repeat(EncodedRecordSerializer.MAX_STRING_BYTES + 1);

        assertThatThrownBy(() -> serialize(new EncodedRecordSerializer(), record(tooLong, bytes(1), null)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("data type of " + tooLong.length() + " UTF-8 bytes");
    }
}
