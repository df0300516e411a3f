package dev.modelserving.flink.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.SensorReading;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordParserTest {

    /** A DataRecord whose data_type field claims 5 bytes but the message ends after 1: a truncated write. */
    private static final byte[] TRUNCATED = {0x0a, 0x05, 'a'};
    /** 0xff bytes: an over-long varint tag that no protobuf parser accepts. */
    private static final byte[] GARBAGE = {
        (byte) 0xff,
        (byte) 0xff,
        (byte) 0xff,
        (byte) 0xff,
        (byte) 0xff,
        (byte) 0xff,
        (byte) 0xff,
        (byte) 0xff,
        (byte) 0xff,
        (byte) 0xff,
        (byte) 0xff
    };

    private static final DataRecord COMPLETE = DataRecord.newBuilder()
            .setDataType("wine")
            .setKey("cellar-1")
            .setId("r-1")
            .setEventTimeMillis(1_000L)
            .putFeatures("alcohol", 12.5)
            .putFeatures("ph", Double.NaN)
            .build();

    private static RawRecord raw(byte[] payload) {
        return new RawRecord(payload, null, "records", 2, 17L, 1_700_000_000_000L);
    }

    @Test
    void completeDataRecordPassesUnchangedAndIsCounted() throws Exception {
        try (ParserHarness<DataRecord> harness = new ParserHarness<>(new RecordParser(RecordFormat.DATA_RECORD))) {
            harness.process(raw(COMPLETE.toByteArray()));

            assertThat(harness.output()).containsExactly(COMPLETE);
            assertThat(harness.deadLetters()).isEmpty();
            assertThat(harness.counter(RecordParser.PARSED_METRIC)).isEqualTo(1);
            assertThat(harness.counter(PayloadParser.DEAD_LETTERS_METRIC)).isZero();
        }
    }

    @Test
    void truncatedBytesBecomeADeadLetterWithOriginPayloadReasonAndTime() throws Exception {
        try (ParserHarness<DataRecord> harness = new ParserHarness<>(new RecordParser(RecordFormat.DATA_RECORD))) {
            harness.setProcessingTime(5_000L);
            harness.process(raw(TRUNCATED));

            DeadLetter letter = harness.onlyDeadLetter();
            assertThat(letter.getPayload()).isEqualTo(ByteString.copyFrom(TRUNCATED));
            assertThat(letter.getSourceTopic()).isEqualTo("records");
            assertThat(letter.getSourcePartition()).isEqualTo(2);
            assertThat(letter.getSourceOffset()).isEqualTo(17L);
            assertThat(letter.getReason())
                    .startsWith("not a DataRecord (3 bytes)")
                    .contains("truncated");
            assertThat(letter.getTimestampMillis()).isEqualTo(5_000L);
            assertThat(harness.counter(PayloadParser.DEAD_LETTERS_METRIC)).isEqualTo(1);
            assertThat(harness.counter(RecordParser.PARSED_METRIC)).isZero();
        }
    }

    @Test
    void garbageBecomesADeadLetterAndTheNextGoodRecordStillFlows() throws Exception {
        try (ParserHarness<DataRecord> harness = new ParserHarness<>(new RecordParser(RecordFormat.DATA_RECORD))) {
            harness.process(raw(GARBAGE));
            harness.process(raw(COMPLETE.toByteArray()));

            assertThat(harness.deadLetters())
                    .singleElement()
                    .satisfies(letter -> assertThat(letter.getReason()).startsWith("not a DataRecord (11 bytes)"));
            assertThat(harness.output()).containsExactly(COMPLETE);
        }
    }

    @Test
    void emptyPayloadIsADeadLetterNamingTombstones() throws Exception {
        try (ParserHarness<DataRecord> harness = new ParserHarness<>(new RecordParser(RecordFormat.DATA_RECORD))) {
            harness.process(raw(null));

            assertThat(harness.onlyDeadLetter().getReason())
                    .contains("empty payload")
                    .contains("tombstone")
                    .contains("DataRecord");
        }
    }

    @Test
    void dataRecordWithoutDataTypeIsADeadLetter() throws Exception {
        try (ParserHarness<DataRecord> harness = new ParserHarness<>(new RecordParser(RecordFormat.DATA_RECORD))) {
            harness.process(raw(COMPLETE.toBuilder().clearDataType().build().toByteArray()));

            assertThat(harness.onlyDeadLetter().getReason())
                    .contains("without data_type")
                    .contains("r-1");
        }
    }

    @Test
    void missingIdKeyAndTimeComeFromTheKafkaRecordDeterministically() throws Exception {
        DataRecord bare = DataRecord.newBuilder()
                .setDataType("wine")
                .putFeatures("alcohol", 11)
                .addVector(1.5f)
                .addVector(-2f)
                .build();
        RawRecord kafkaRecord = new RawRecord(
                bare.toByteArray(), "cellar-9".getBytes(StandardCharsets.UTF_8), "records", 2, 17L, 1_700_000_000_000L);
        try (ParserHarness<DataRecord> harness = new ParserHarness<>(new RecordParser(RecordFormat.DATA_RECORD))) {
            harness.process(kafkaRecord);
            harness.process(kafkaRecord); // a replay after a restart

            assertThat(harness.output()).hasSize(2).allSatisfy(record -> {
                assertThat(record.getId()).isEqualTo("records-2-17");
                assertThat(record.getKey()).isEqualTo("cellar-9");
                assertThat(record.getEventTimeMillis()).isEqualTo(1_700_000_000_000L);
                assertThat(record.getFeaturesMap()).isEqualTo(Map.of("alcohol", 11.0));
                assertThat(record.getVectorList())
                        .as("completed in the builder it was parsed into: features and vector kept")
                        .containsExactly(1.5f, -2f);
            });
        }
    }

    @Test
    void sensorReadingBecomesASensorDataRecord() throws Exception {
        SensorReading reading = SensorReading.newBuilder()
                .setMachineId("machine-07")
                .setTimestampMillis(1_234L)
                .setTemperatureC(61.25)
                .setFanRpm(2140)
                .setLoadPercent(47.5)
                .build();
        try (ParserHarness<DataRecord> harness = new ParserHarness<>(new RecordParser(RecordFormat.SENSOR_READING))) {
            harness.process(raw(reading.toByteArray()));

            assertThat(harness.deadLetters()).isEmpty();
            DataRecord record = harness.output().get(0);
            assertThat(record.getDataType()).isEqualTo("sensor");
            assertThat(record.getKey()).isEqualTo("machine-07");
            assertThat(record.getId()).isEqualTo("machine-07-1234");
            assertThat(record.getEventTimeMillis()).isEqualTo(1_234L);
            assertThat(record.getFeaturesMap())
                    .isEqualTo(Map.of("temperature_c", 61.25, "fan_rpm", 2140.0, "load_percent", 47.5));
        }
    }

    @Test
    void sensorReadingWithoutMachineIdOrUnparseableIsADeadLetter() throws Exception {
        SensorReading anonymous = SensorReading.newBuilder()
                .setTimestampMillis(1_234L)
                .setTemperatureC(20)
                .build();
        try (ParserHarness<DataRecord> harness = new ParserHarness<>(new RecordParser(RecordFormat.SENSOR_READING))) {
            harness.process(raw(anonymous.toByteArray()));
            harness.process(raw(GARBAGE));

            assertThat(harness.output()).isEmpty();
            assertThat(harness.deadLetters())
                    .extracting(DeadLetter::getReason)
                    .satisfiesExactly(
                            reason -> assertThat(reason)
                                    .contains("SensorReading without machine_id")
                                    .contains("1234"),
                            reason -> assertThat(reason).startsWith("not a SensorReading"));
            assertThat(harness.counter(PayloadParser.DEAD_LETTERS_METRIC)).isEqualTo(2);
        }
    }

    @Test
    void anUnexpectedParserErrorIsADeadLetterNotAJobFailure() throws Exception {
        PayloadParser<DataRecord> broken =
                new PayloadParser<>(ProtoTypeInfo.of(DataRecord.class), "parsed", ParseLimits.defaults()) {
                    @Override
                    protected String expected() {
                        return "a DataRecord";
                    }

                    @Override
                    protected DataRecord parse(RawRecord raw) {
                        throw new IllegalStateException("parser bug");
                    }
                };
        try (ParserHarness<DataRecord> harness = new ParserHarness<>(broken)) {
            harness.process(raw(COMPLETE.toByteArray()));

            assertThat(harness.onlyDeadLetter().getReason())
                    .isEqualTo("unexpected error parsing a DataRecord: java.lang.IllegalStateException: parser bug");
        }
    }
}
