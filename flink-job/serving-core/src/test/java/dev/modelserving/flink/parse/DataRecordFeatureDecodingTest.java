package dev.modelserving.flink.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import dev.modelserving.proto.DataRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link DataRecordDecoder#decode} reads a DataRecord's scalar fields and maps itself (data types, feature names and
 * categorical values through {@link FeatureStrings}) and leaves the packed vector and shape to protobuf's generated parser: it must build exactly what protobuf builds, for every way a writer may
 * lay the fields and map entries out, and refuse what protobuf's parse plus the unknown-field rule refuses.
 */
class DataRecordFeatureDecodingTest {

    private static final int FEATURES = DataRecord.FEATURES_FIELD_NUMBER;

    private static RawRecord raw(byte[] payload) {
        return new RawRecord(payload, null, "records", 0, 7L, 1_000L);
    }

    /** What protobuf's own parser makes of the bytes, completed the same way. */
    private static DataRecord protobufs(byte[] payload) throws Exception {
        return DataRecordDecoder.complete(DataRecord.parseFrom(payload), raw(payload));
    }

    @Test
    void randomRecordsDecodeAsProtobufParsesThem() throws Exception {
        Random random = new Random(42);
        FeatureStrings names = new FeatureStrings();
        for (int i = 0; i < 500; i++) {
            DataRecord.Builder record = DataRecord.newBuilder().setDataType("t" + random.nextInt(3));
            if (random.nextBoolean()) {
                record.setId("r-" + i).setKey("k" + random.nextInt(10)).setEventTimeMillis(random.nextLong(1L << 40));
            }
            int features = random.nextInt(40);
            for (int f = 0; f < features; f++) {
                record.putFeatures(
                        "feature_" + random.nextInt(60) + (random.nextBoolean() ? "_é" : ""), random.nextGaussian());
            }
            for (int v = random.nextInt(3) == 0 ? random.nextInt(50) : 0; v > 0; v--) {
                record.addVector(random.nextFloat());
            }
            if (random.nextInt(4) == 0) {
                record.addVectorShape(2)
                        .addVectorShape(3)
                        .putCategoricalFeatures("colour", random.nextBoolean() ? "red" : "");
            }
            byte[] bytes = record.build().toByteArray();
            assertThat(DataRecordDecoder.decode(raw(bytes), names)).isEqualTo(protobufs(bytes));
        }
        assertThat(names.names()).isEqualTo(124); // 60 names with and without the accent, 3 data types, "colour"
    }

    @Test
    void entriesAndFieldsInAnyOrderDuplicatesAndDefaultsAsProtobuf() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        writeEntry(out, "a", 1.0);
        out.writeString(DataRecord.DATA_TYPE_FIELD_NUMBER, "wine");
        writeMapEntry(
                out,
                FEATURES,
                e -> { // value before name
                    e.writeDouble(2, 2.0);
                    e.writeString(1, "b");
                });
        out.writeFloat(DataRecord.VECTOR_FIELD_NUMBER, 0.5f); // unpacked repeated float
        out.writeFloat(DataRecord.VECTOR_FIELD_NUMBER, 0.25f);
        writeEntry(out, "a", 3.0); // a duplicate name: the last one wins
        writeMapEntry(out, FEATURES, e -> e.writeString(1, "c")); // no value: 0
        writeMapEntry(out, FEATURES, e -> e.writeDouble(2, 4.0)); // no name: ""
        writeMapEntry(
                out,
                FEATURES,
                e -> { // an entry's unknown field is dropped, as protobuf drops it
                    e.writeString(1, "e");
                    e.writeUInt64(7, 99);
                    e.writeDouble(2, 5.0);
                });
        int categorical = DataRecord.CATEGORICAL_FEATURES_FIELD_NUMBER;
        writeMapEntry(
                out,
                categorical,
                e -> { // value before name
                    e.writeString(2, "red");
                    e.writeString(1, "colour");
                });
        writeMapEntry(out, categorical, e -> e.writeString(1, "grape")); // no value: ""
        out.writeUInt64(DataRecord.EVENT_TIME_MILLIS_FIELD_NUMBER, 77);
        out.writeString(DataRecord.KEY_FIELD_NUMBER, "cellar");
        out.writeString(DataRecord.ID_FIELD_NUMBER, "r1");
        out.writeString(DataRecord.DATA_TYPE_FIELD_NUMBER, "wine-2"); // a repeated scalar field: the last one wins
        out.flush();
        byte[] payload = bytes.toByteArray();

        DataRecord decoded = DataRecordDecoder.decode(raw(payload));
        assertThat(decoded).isEqualTo(protobufs(payload));
        assertThat(decoded.getFeaturesMap())
                .containsEntry("a", 3.0)
                .containsEntry("b", 2.0)
                .containsEntry("c", 0.0)
                .containsEntry("", 4.0)
                .containsEntry("e", 5.0)
                .hasSize(5);
        assertThat(decoded.getVectorList()).containsExactly(0.5f, 0.25f);
        assertThat(decoded.getDataType()).isEqualTo("wine-2");
        assertThat(decoded.getCategoricalFeaturesMap())
                .containsEntry("colour", "red")
                .containsEntry("grape", "");
        assertThat(decoded.getEventTimeMillis()).isEqualTo(77);
        assertThat(decoded.getKey()).isEqualTo("cellar");
    }

    @Test
    void recordsOfOneDataTypeShareTheirFeatureNames() throws Exception {
        FeatureStrings names = new FeatureStrings();
        byte[] first = record("wine", "alcohol", 12.5, "acidity", 3.1).toByteArray();
        byte[] second = record("wine", "alcohol", 13.0, "acidity", 2.9).toByteArray();
        DataRecord a = DataRecordDecoder.decode(raw(first), names);
        DataRecord b = DataRecordDecoder.decode(raw(second), names);
        String alcoholOfA = a.getFeaturesMap().keySet().stream()
                .filter("alcohol"::equals)
                .findFirst()
                .orElseThrow();
        String alcoholOfB = b.getFeaturesMap().keySet().stream()
                .filter("alcohol"::equals)
                .findFirst()
                .orElseThrow();
        assertThat(alcoholOfB).isSameAs(alcoholOfA);
        assertThat(b.getDataType()).isSameAs(a.getDataType());
        assertThat(b.getFeaturesMap()).containsEntry("alcohol", 13.0).containsEntry("acidity", 2.9);
        assertThat(names.names()).isEqualTo(3); // "wine", "alcohol", "acidity"
    }

    @Test
    void theCacheIsBoundedAndNamesBeyondItStillDecode() throws Exception {
        FeatureStrings names = new FeatureStrings();
        String longName = "x".repeat(StringTable.MAX_CACHED_BYTES + 1);
        for (int i = 0; i < StringTable.MAX_STRINGS + 300; i += 100) {
            DataRecord.Builder record =
                    DataRecord.newBuilder().setDataType("many").putFeatures(longName, -1);
            for (int f = i; f < i + 100; f++) {
                record.putFeatures("n" + f, f);
            }
            byte[] bytes = record.build().toByteArray();
            assertThat(DataRecordDecoder.decode(raw(bytes), names)).isEqualTo(protobufs(bytes));
        }
        assertThat(names.names()).isEqualTo(StringTable.MAX_STRINGS);
        // the ids of records are not kept: they would fill the table with strings that never come back
        FeatureStrings idsOnly = new FeatureStrings();
        for (int i = 0; i < 10; i++) {
            DataRecordDecoder.decode(
                    raw(DataRecord.newBuilder()
                            .setDataType("t")
                            .setId("id-" + i)
                            .setKey("k" + i)
                            .build()
                            .toByteArray()),
                    idsOnly);
        }
        assertThat(idsOnly.names()).isEqualTo(1);
    }

    @Test
    void aNameThatIsNotUtf8IsRefusedAsProtobufRefusesIt() throws Exception {
        byte[] payload = entryBytes(new byte[] {'o', 'k', (byte) 0xC3}); // a truncated two-byte sequence
        assertThatThrownBy(() -> DataRecord.parseFrom(payload)).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> DataRecordDecoder.decode(raw(payload)))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("not a DataRecord (" + payload.length + " bytes): ")
                .hasMessageContaining("UTF-8");
    }

    @Test
    void truncatedEntriesAndNamesLongerThanTheirEntryAreRefused() throws Exception {
        byte[] whole = record("wine", "alcohol", 12.5).toByteArray();
        for (int cut = 1; cut < whole.length; cut++) {
            byte[] truncated = Arrays.copyOf(whole, cut);
            boolean protobufRefuses;
            try {
                DataRecord.parseFrom(truncated);
                protobufRefuses = false;
            } catch (IOException e) {
                protobufRefuses = true;
            }
            if (protobufRefuses) {
                assertThatThrownBy(() -> DataRecordDecoder.decode(raw(truncated)))
                        .as("cut at %d", cut)
                        .isInstanceOf(InvalidPayloadException.class)
                        .hasMessageStartingWith("not a DataRecord (" + cut + " bytes)");
            }
        }
        // An entry of 3 bytes whose name claims 100.
        byte[] lying = {0x0a, 0x04, 'w', 'i', 'n', 'e', 0x2a, 0x03, 0x0a, 0x64, 'a'};
        assertThatThrownBy(() -> DataRecordDecoder.decode(raw(lying)))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("not a DataRecord (11 bytes)");
    }

    @Test
    void aKnownFieldWithAnotherWireTypeIsAForeignField() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(DataRecord.DATA_TYPE_FIELD_NUMBER, "wine");
        out.writeInt64(DataRecord.FEATURES_FIELD_NUMBER, 3); // features as a varint
        out.flush();
        byte[] payload = bytes.toByteArray();
        // protobuf keeps it as an unknown field, which the parsers refuse as a field of another schema
        assertThat(DataRecord.parseFrom(payload).getUnknownFields().hasField(FEATURES))
                .isTrue();
        assertThatThrownBy(() -> DataRecordDecoder.decode(raw(payload)))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("not a DataRecord: field 5 is not a DataRecord field (" + payload.length);
    }

    @Test
    void deeplyNestedGroupsInAFeatureEntryAreRefusedWithoutOverflowingTheStack() throws Exception {
        byte[] groups = new byte[200_000];
        Arrays.fill(groups, (byte) 0x1b); // field 3, start group: skipped inside the entry
        byte[] payload = entryBytesRaw(groups);
        assertThatThrownBy(() -> DataRecordDecoder.decode(raw(payload)))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("not a DataRecord (" + payload.length + " bytes)");
    }

    private static DataRecord record(String dataType, Object... namesAndValues) {
        DataRecord.Builder record = DataRecord.newBuilder().setDataType(dataType);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            record.putFeatures((String) namesAndValues[i], (Double) namesAndValues[i + 1]);
        }
        return record.build();
    }

    /** A record of data type "wine" with one feature entry whose name is {@code name}'s bytes. */
    private static byte[] entryBytes(byte[] name) throws IOException {
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(entry);
        out.writeByteArray(1, name);
        out.writeDouble(2, 1.0);
        out.flush();
        return entryBytesRaw(entry.toByteArray());
    }

    /** A record of data type "wine" with one feature entry of these bytes. */
    private static byte[] entryBytesRaw(byte[] entry) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(DataRecord.DATA_TYPE_FIELD_NUMBER, "wine");
        out.writeByteArray(FEATURES, entry);
        out.flush();
        return bytes.toByteArray();
    }

    /** The fields of one map entry, written in the order the test wants. */
    @FunctionalInterface
    private interface EntryFields {
        void write(CodedOutputStream entry) throws IOException;
    }

    /** One entry of the map field {@code mapField}, its fields written by {@code fields}. */
    private static void writeMapEntry(CodedOutputStream out, int mapField, EntryFields fields) throws IOException {
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        CodedOutputStream e = CodedOutputStream.newInstance(entry);
        fields.write(e);
        e.flush();
        out.writeByteArray(mapField, entry.toByteArray());
    }

    private static void writeEntry(CodedOutputStream out, String name, double value) throws IOException {
        writeMapEntry(out, FEATURES, e -> {
            e.writeString(1, name);
            e.writeDouble(2, value);
        });
    }
}
