package dev.modelserving.flink.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.SensorReading;
import org.junit.jupiter.api.Test;

class EncodedRecordReaderTest {

    private static RawRecord raw(byte[] payload) {
        return new RawRecord(payload, null, "records", 1, 5L, 1_700_000_000_000L);
    }

    private static EncodedRecordReader reader(RecordFormat format) {
        return new EncodedRecordReader(format, ParseLimits.defaults(), null);
    }

    @Test
    void dataRecordBytesPassUnparsedWithTheirDataType() throws Exception {
        // No id, key or time: completing it is the serving operator's work, so the bytes must pass as they came.
        byte[] bytes = DataRecord.newBuilder()
                .setDataType("wine")
                .putFeatures("alcohol", 12.5)
                .build()
                .toByteArray();
        RawRecord consumed = raw(bytes);
        try (ParserHarness<EncodedRecord> harness = new ParserHarness<>(reader(RecordFormat.DATA_RECORD))) {
            harness.process(consumed);

            assertThat(harness.output()).containsExactly(new EncodedRecord("wine", consumed));
            assertThat(harness.deadLetters()).isEmpty();
            assertThat(harness.counter(EncodedRecordReader.READ_METRIC)).isEqualTo(1);
        }
    }

    @Test
    void recordsOfOneDataTypeShareOneDataTypeString() throws Exception {
        // The keyBy hashes the data type of every record: one String per data type is hashed once.
        try (ParserHarness<EncodedRecord> harness = new ParserHarness<>(reader(RecordFormat.DATA_RECORD))) {
            for (String id : new String[] {"w-1", "w-2"}) {
                harness.process(raw(DataRecord.newBuilder()
                        .setDataType("wine")
                        .setId(id)
                        .build()
                        .toByteArray()));
            }

            assertThat(harness.output()).hasSize(2);
            assertThat(harness.output().get(1).getDataType())
                    .isEqualTo("wine")
                    .isSameAs(harness.output().get(0).getDataType());
        }
    }

    @Test
    void bytesWithoutAUsableDataTypeAreDeadLettersHere() throws Exception {
        byte[] typeless = DataRecord.newBuilder().setId("t-1").build().toByteArray();
        try (ParserHarness<EncodedRecord> harness = new ParserHarness<>(reader(RecordFormat.DATA_RECORD))) {
            harness.process(raw(new byte[] {0x0a, 0x05, 'a'}));
            harness.process(raw(typeless));
            harness.process(raw(new byte[0]));

            assertThat(harness.output()).isEmpty();
            assertThat(harness.deadLetters())
                    .extracting(dev.modelserving.proto.DeadLetter::getReason)
                    .satisfiesExactly(
                            reason -> assertThat(reason).startsWith("not a DataRecord (3 bytes)"),
                            reason -> assertThat(reason).isEqualTo("DataRecord without data_type (id 't-1')"),
                            reason -> assertThat(reason).startsWith("empty payload"));
            assertThat(harness.counter(PayloadParser.DEAD_LETTERS_METRIC)).isEqualTo(3);
        }
    }

    @Test
    void otherFormatsAreParsedHereAndPassedAsTheRecordParsersDataRecord() throws Exception {
        SensorReading reading = SensorReading.newBuilder()
                .setMachineId("m-7")
                .setTimestampMillis(42L)
                .setTemperatureC(61.5)
                .build();
        RawRecord consumed = raw(reading.toByteArray());
        DataRecord expected;
        try (ParserHarness<DataRecord> parser = new ParserHarness<>(new RecordParser(RecordFormat.SENSOR_READING))) {
            parser.process(consumed);
            expected = parser.output().get(0);
        }
        try (ParserHarness<EncodedRecord> harness = new ParserHarness<>(reader(RecordFormat.SENSOR_READING))) {
            harness.process(consumed);

            EncodedRecord encoded = harness.output().get(0);
            assertThat(encoded.getDataType()).isEqualTo(expected.getDataType());
            assertThat(DataRecord.parseFrom(encoded.getRaw().getPayload())).isEqualTo(expected);
            assertThat(encoded.getRaw().origin()).isEqualTo(consumed.origin());
            assertThat(DataRecordDecoder.decode(encoded.getRaw())).isEqualTo(expected);
        }
    }
}
