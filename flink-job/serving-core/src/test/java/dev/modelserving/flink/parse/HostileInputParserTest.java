package dev.modelserving.flink.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.modelserving.model.Checksums;
import dev.modelserving.model.Identifiers;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.SensorReading;
import dev.modelserving.proto.SpeculativeConfig;
import dev.modelserving.proto.ValidationSample;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Each refusal of hostile input by the parsers, with the exact reason, and the bounded dead letter it becomes. */
class HostileInputParserTest {

    private static final DataRecord WINE = DataRecord.newBuilder()
            .setDataType("wine")
            .setKey("cellar-1")
            .setId("r-1")
            .setEventTimeMillis(1_000L)
            .putFeatures("alcohol", 12.5)
            .putFeatures("ph", 3.2)
            .build();

    private static final ModelDescriptor MODEL = ModelDescriptor.newBuilder()
            .setName("wine-quality")
            .setVersion(3)
            .setDataType("wine")
            .setModelType(ModelType.PMML)
            .setArtifactBytes(ByteString.copyFromUtf8("<PMML/>"))
            .build();

    private static RawRecord raw(String topic, byte[] payload) {
        return new RawRecord(payload, null, topic, 0, 9L, 1_000L);
    }

    private static String recordReason(RecordFormat format, byte[] payload, byte[] kafkaKey) throws Exception {
        try (ParserHarness<DataRecord> harness = new ParserHarness<>(new RecordParser(format))) {
            harness.process(new RawRecord(payload, kafkaKey, "records", 0, 1L, 1_000L));
            assertThat(harness.counter(PayloadParser.DEAD_LETTERS_METRIC)).isEqualTo(1);
            return harness.onlyDeadLetter().getReason();
        }
    }

    private static String recordReason(DataRecord record) throws Exception {
        return recordReason(RecordFormat.DATA_RECORD, record.toByteArray(), null);
    }

    private static String descriptorReason(ModelDescriptor descriptor) throws Exception {
        try (ParserHarness<ModelDescriptor> harness = new ParserHarness<>(new DescriptorParser())) {
            harness.process(raw("models", descriptor.toByteArray()));
            return harness.onlyDeadLetter().getReason();
        }
    }

    private static String configReason(SpeculativeConfig config) throws Exception {
        try (ParserHarness<SpeculativeConfig> harness = new ParserHarness<>(new SpeculativeConfigParser())) {
            harness.process(raw("speculative-config", config.toByteArray()));
            return harness.onlyDeadLetter().getReason();
        }
    }

    @Test
    void recordIdentifiersAreChecked() throws Exception {
        assertThat(recordReason(WINE.toBuilder().setDataType("win\u001Fe").build()))
                .isEqualTo("DataRecord 'r-1': data_type contains control character U+001F at index 3");
        assertThat(recordReason(WINE.toBuilder().setDataType("w".repeat(129)).build()))
                .isEqualTo("DataRecord 'r-1': data_type is 129 characters long, the limit is 128");
        assertThat(recordReason(WINE.toBuilder().setKey("a\u2028b").build()))
                .isEqualTo("DataRecord 'r-1': key contains line separator U+2028 at index 1");
        assertThat(recordReason(WINE.toBuilder().setId("i".repeat(513)).build()))
                .isEqualTo("DataRecord: id is 513 characters long, the limit is 512");
        assertThat(recordReason(WINE.toBuilder().setId("r\n1").build()))
                .isEqualTo("DataRecord: id contains control character U+000A at index 1");
    }

    @Test
    void aKafkaKeyTakenAsRecordKeyIsCheckedToo() throws Exception {
        byte[] bare = WINE.toBuilder().clearKey().build().toByteArray();
        assertThat(recordReason(RecordFormat.DATA_RECORD, bare, "cel\u0000lar".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("DataRecord 'r-1': key (the Kafka record key) contains control character U+0000 at"
                        + " index 3");
    }

    @Test
    void aSensorReadingMachineIdIsChecked() throws Exception {
        SensorReading reading = SensorReading.newBuilder()
                .setMachineId("m\u001F1")
                .setTemperatureC(20)
                .build();
        assertThat(recordReason(RecordFormat.SENSOR_READING, reading.toByteArray(), null))
                .isEqualTo("SensorReading: machine_id contains control character U+001F at index 1");
    }

    @Test
    void aDataRecordOnASensorReadingTopicIsNotASensorReading() throws Exception {
        assertThat(recordReason(RecordFormat.SENSOR_READING, WINE.toByteArray(), null))
                .matches("not a SensorReading: field \\d is not a SensorReading field \\(" + WINE.getSerializedSize()
                        + " bytes; a payload of another type, or of a newer schema\\?\\)");
    }

    @Test
    void aSensorReadingOnADataRecordTopicIsNotADataRecord() throws Exception {
        SensorReading reading = SensorReading.newBuilder()
                .setMachineId("m-1")
                .setTimestampMillis(5)
                .setTemperatureC(61.5)
                .setFanRpm(2000)
                .setLoadPercent(40)
                .build();
        assertThat(recordReason(RecordFormat.DATA_RECORD, reading.toByteArray(), null))
                .startsWith("not a DataRecord: field ")
                .contains(" is not a DataRecord field");
    }

    @Test
    void descriptorIdentifiersAndNumbersAreChecked() throws Exception {
        assertThat(descriptorReason(MODEL.toBuilder().setDataType("wi\u001Fne").build()))
                .isEqualTo("ModelDescriptor 'wine-quality': data_type contains control character U+001F at index 2");
        assertThat(descriptorReason(MODEL.toBuilder().setName("").build()))
                .isEqualTo("ModelDescriptor: name is missing");
        assertThat(descriptorReason(MODEL.toBuilder().setName("n".repeat(129)).build()))
                .isEqualTo("ModelDescriptor: name is 129 characters long, the limit is 128");
        assertThat(descriptorReason(MODEL.toBuilder().setPublisherId("team\r").build()))
                .isEqualTo("ModelDescriptor 'wine-quality': publisher_id contains control character U+000D at"
                        + " index 4");
        assertThat(descriptorReason(MODEL.toBuilder()
                        .setVersion(Identifiers.MAX_VERSION + 1)
                        .build()))
                .isEqualTo("ModelDescriptor 'wine-quality': version (DEPLOY) 9007199254740992 is above"
                        + " 9007199254740991 (2^53-1, the largest integer exact in JSON)");
        assertThat(descriptorReason(MODEL.toBuilder().setVersion(0).build()))
                .isEqualTo("ModelDescriptor 'wine-quality': version (DEPLOY) 0 is below 1");
        assertThat(descriptorReason(MODEL.toBuilder()
                        .setAction(ModelAction.ROLLBACK)
                        .setVersion(4)
                        .setRollbackToVersion(Long.MAX_VALUE)
                        .build()))
                .isEqualTo("ModelDescriptor 'wine-quality': rollback_to_version (ROLLBACK) 9223372036854775807 is"
                        + " above 9007199254740991 (2^53-1, the largest integer exact in JSON)");
    }

    @Test
    void aDescriptorWithForeignFieldsDeepInsideIsRefused() throws Exception {
        DataRecord sampleInput = DataRecord.newBuilder()
                .setDataType("wine")
                .setUnknownFields(UnknownFieldSet.newBuilder()
                        .addField(
                                77,
                                UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                        .build())
                .build();
        ModelDescriptor foreign = MODEL.toBuilder()
                .addValidationSamples(ValidationSample.newBuilder().setInput(sampleInput))
                .build();
        assertThat(descriptorReason(foreign))
                .isEqualTo("not a ModelDescriptor: field 77 in"
                        + " validation_samples[0].input is not a DataRecord field (" + foreign.getSerializedSize()
                        + " bytes; a payload of another type, or of a newer schema?)");
    }

    @Test
    void aDescriptorAboveTheSizeLimitIsNotParsedAndItsDeadLetterIsBounded() throws Exception {
        ParseLimits limits = new ParseLimits(1024, 4096, 60_000);
        byte[] huge = new byte[10_000];
        Arrays.fill(huge, (byte) 0x0a); // would not even parse
        try (ParserHarness<ModelDescriptor> harness = new ParserHarness<>(new DescriptorParser(limits))) {
            harness.process(raw("models", huge));
            DeadLetter letter = harness.onlyDeadLetter();
            assertThat(letter.getReason())
                    .isEqualTo(
                            "descriptor of 10000 bytes exceeds the limit of 4096 bytes (--max-descriptor-bytes); not parsed");
            assertThat(letter.getPayload().size()).isEqualTo(1024);
            assertThat(letter.getPayload()).isEqualTo(ByteString.copyFrom(huge, 0, 1024));
            assertThat(letter.getPayloadSize()).isEqualTo(10_000);
            assertThat(letter.getPayloadTruncated()).isTrue();
            assertThat(letter.getPayloadSha256()).isEqualTo(Checksums.sha256Hex(huge));
        }
    }

    @Test
    void aSmallDeadLetterKeepsTheWholePayload() throws Exception {
        byte[] garbage = {(byte) 0xff, (byte) 0xff, 1};
        try (ParserHarness<DataRecord> harness = new ParserHarness<>(new RecordParser(RecordFormat.DATA_RECORD))) {
            harness.process(raw("records", garbage));
            DeadLetter letter = harness.onlyDeadLetter();
            assertThat(letter.getPayload()).isEqualTo(ByteString.copyFrom(garbage));
            assertThat(letter.getPayloadTruncated()).isFalse();
            assertThat(letter.getPayloadSize()).isEqualTo(3);
            assertThat(letter.getPayloadSha256()).isEqualTo(Checksums.sha256Hex(garbage));
        }
    }

    @Test
    void anOversizedUnparseableRecordBecomesADeadLetterOfAtMostTheCap() throws Exception {
        byte[] twoMiB = new byte[2 * 1024 * 1024];
        Arrays.fill(twoMiB, (byte) 0xff);
        try (ParserHarness<DataRecord> harness = new ParserHarness<>(new RecordParser(RecordFormat.DATA_RECORD))) {
            harness.process(raw("records", twoMiB));
            DeadLetter letter = harness.onlyDeadLetter();
            assertThat(letter.getPayload().size()).isEqualTo(ParseLimits.DEFAULT_DEAD_LETTER_MAX_PAYLOAD_BYTES);
            assertThat(letter.getSerializedSize()).isLessThan(70 * 1024);
            assertThat(letter.getPayloadSize()).isEqualTo(twoMiB.length);
        }
    }

    @Test
    void aLongReasonIsCut() {
        String reason = DeadLetters.capReason("x".repeat(10_000));
        assertThat(reason)
                .hasSizeLessThanOrEqualTo(DeadLetters.MAX_REASON_CHARS)
                .startsWith("xxxx")
                .endsWith("... (" + (10_000 - reason.indexOf('.')) + " more chars cut)");
        assertThat(reason.length()).isGreaterThan(DeadLetters.MAX_REASON_CHARS - 30);
        assertThat(DeadLetters.capReason("short")).isEqualTo("short");
    }

    @Test
    void configIdentifiersNumbersAndDeadlinesAreChecked() throws Exception {
        SpeculativeConfig ok = SpeculativeConfig.newBuilder()
                .setDataType("wine")
                .setVersion(3)
                .setDeadlineMillis(100)
                .setStrategy(DecisionStrategy.SHADOW)
                .setPrimaryModel("a")
                .build();
        assertThat(configReason(ok.toBuilder().setDataType("w\u001F").build()))
                .isEqualTo("SpeculativeConfig: data_type contains control character U+001F at index 1");
        assertThat(configReason(ok.toBuilder()
                        .setDeadlineMillis(365L * 24 * 3600 * 1000)
                        .build()))
                .isEqualTo("SpeculativeConfig for 'wine': deadline_millis 31536000000 is above the cap of 60000 ms"
                        + " (--max-deadline-ms)");
        assertThat(configReason(
                        ok.toBuilder().setVersion(Identifiers.MAX_VERSION + 1).build()))
                .isEqualTo("SpeculativeConfig for 'wine': version 9007199254740992 is above 9007199254740991"
                        + " (2^53-1, the largest integer exact in JSON)");
        assertThat(configReason(
                        ok.toBuilder().addModels("a").addModels("b\u001Fc").build()))
                .isEqualTo("SpeculativeConfig for 'wine': models[1] contains control character U+001F at index 1");
        assertThat(configReason(ok.toBuilder().setPrimaryModel("p".repeat(200)).build()))
                .isEqualTo("SpeculativeConfig for 'wine': primary_model is 200 characters long, the limit is 128");
        assertThat(configReason(ok.toBuilder().addShadowCandidates("").build()))
                .isEqualTo("SpeculativeConfig for 'wine': shadow_candidates[0] is missing");
        assertThat(configReason(ok.toBuilder()
                        .setUnknownFields(UnknownFieldSet.newBuilder()
                                .addField(
                                        20,
                                        UnknownFieldSet.Field.newBuilder()
                                                .addVarint(1)
                                                .build())
                                .build())
                        .build()))
                .startsWith("not a SpeculativeConfig: field 20 is not a SpeculativeConfig field");
    }

    @Test
    void theConfiguredDeadlineCapApplies() throws Exception {
        SpeculativeConfig config = SpeculativeConfig.newBuilder()
                .setDataType("wine")
                .setDeadlineMillis(5_000)
                .build();
        try (ParserHarness<SpeculativeConfig> harness =
                new ParserHarness<>(new SpeculativeConfigParser(new ParseLimits(1024, 4096, 10_000)))) {
            harness.process(raw("speculative-config", config.toByteArray()));
            assertThat(harness.output()).containsExactly(config);
        }
    }
}
