package dev.modelserving.flink.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import dev.modelserving.proto.DataRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DataRecordDecoderTest {

    private static final DataRecord IMAGE = DataRecord.newBuilder()
            .setId("img-1")
            .putFeatures("brightness", 0.5)
            .addAllVector(java.util.Collections.nCopies(784, 0.25f))
            .setDataType("image-28x28") // written after the features and the vector: the scan must skip them
            .build();

    private static RawRecord raw(byte[] payload, String key) {
        return new RawRecord(
                payload, key == null ? null : key.getBytes(StandardCharsets.UTF_8), "records", 3, 41L, 1_234L);
    }

    @Test
    void theDataTypeIsReadWithoutParsingTheFeaturesAndTheVector() throws Exception {
        assertThat(DataRecordDecoder.dataType(IMAGE.toByteArray())).isEqualTo("image-28x28");
    }

    @Test
    void recordsOfOneDataTypeGetOneStringWhoseHashIsComputedOnce() throws Exception {
        FeatureStrings strings = new FeatureStrings();
        String first = DataRecordDecoder.dataType(IMAGE.toByteArray(), strings);
        String second = DataRecordDecoder.dataType(
                IMAGE.toBuilder().setId("img-2").build().toByteArray(), strings);
        String other = DataRecordDecoder.dataType(
                IMAGE.toBuilder().setDataType("wine").build().toByteArray(), strings);

        assertThat(second).isEqualTo("image-28x28").isSameAs(first);
        assertThat(other).isEqualTo("wine");
        // Without shared strings every call decodes its own String.
        assertThat(DataRecordDecoder.dataType(IMAGE.toByteArray()))
                .isEqualTo(first)
                .isNotSameAs(first);
    }

    @Test
    void anIdThatIsNotUtf8IsNamedUnreadableInTheReason() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeByteArray(DataRecord.ID_FIELD_NUMBER, new byte[] {(byte) 0xff, (byte) 0xfe});
        out.writeString(DataRecord.DATA_TYPE_FIELD_NUMBER, "line\nbreak");
        out.flush();

        assertThatThrownBy(() -> DataRecordDecoder.dataType(bytes.toByteArray()))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("DataRecord ' (unreadable: ")
                .hasMessageContaining("data_type");
    }

    @Test
    void theDataTypeIsFoundWhereverTheFieldStands() throws Exception {
        // Protobuf writers may order fields as they like: data_type after a field the scan must skip.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeDouble(99, 1.5); // an unknown fixed64 field
        out.writeString(DataRecord.KEY_FIELD_NUMBER, "k");
        out.writeString(DataRecord.DATA_TYPE_FIELD_NUMBER, "wine");
        out.flush();
        assertThat(DataRecordDecoder.dataType(bytes.toByteArray())).isEqualTo("wine");
    }

    @Test
    void bytesThatAreNotAMessageAreRefusedWithTheParsersReason() {
        byte[] truncated = {0x0a, 0x05, 'a'};
        assertThatThrownBy(() -> DataRecordDecoder.dataType(truncated))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("not a DataRecord (3 bytes): ")
                .hasMessageContaining("truncated");
        byte[] endGroup = {0x0c}; // field 1, wire type 4 (end group) outside any group
        assertThatThrownBy(() -> DataRecordDecoder.dataType(endGroup))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("not a DataRecord (1 bytes)");
        assertThatThrownBy(() -> DataRecordDecoder.decode(raw(endGroup, null)))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("not a DataRecord (1 bytes)");
    }

    @Test
    void aRecordWithoutOrWithAnInvalidDataTypeIsRefusedNamingItsId() {
        byte[] typeless = DataRecord.newBuilder()
                .setId("typeless")
                .putFeatures("x", 1)
                .build()
                .toByteArray();
        assertThatThrownBy(() -> DataRecordDecoder.dataType(typeless))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessage("DataRecord without data_type (id 'typeless')");
        byte[] badType = IMAGE.toBuilder().setDataType("line\nbreak").build().toByteArray();
        assertThatThrownBy(() -> DataRecordDecoder.dataType(badType))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("DataRecord 'img-1': data_type");
        assertThatThrownBy(() -> DataRecordDecoder.decode(raw(badType, null)))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("DataRecord 'img-1': data_type");
    }

    @Test
    void decodingCompletesIdKeyAndTimeFromTheKafkaRecord() throws Exception {
        DataRecord bare = IMAGE.toBuilder().clearId().build();
        DataRecord decoded = DataRecordDecoder.decode(raw(bare.toByteArray(), "cellar-9"));
        assertThat(decoded.getId()).isEqualTo("records-3-41");
        assertThat(decoded.getKey()).isEqualTo("cellar-9");
        assertThat(decoded.getEventTimeMillis()).isEqualTo(1_234L);
        assertThat(decoded.getVectorList()).isEqualTo(IMAGE.getVectorList());
        assertThat(decoded.getFeaturesMap()).isEqualTo(IMAGE.getFeaturesMap());
    }

    @Test
    void aFieldADataRecordDoesNotKnowPassesTheScanButNotTheDecoding() throws IOException, InvalidPayloadException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        IMAGE.writeTo(bytes);
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(42, "a field of another schema");
        out.flush();
        byte[] foreign = bytes.toByteArray();

        assertThat(DataRecordDecoder.dataType(foreign)).isEqualTo("image-28x28");
        assertThatThrownBy(() -> DataRecordDecoder.decode(raw(foreign, null)))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("not a DataRecord: field 42");
    }

    @Test
    void deeplyNestedGroupsAreRefusedWithoutOverflowingTheStack() {
        // 200,000 group starts of field 9 (tag 0x4b): skipping them recursively would overflow the operator's stack,
        // an Error no dead-letter path catches. A DataRecord has no groups, so a group is a foreign field.
        byte[] nested = new byte[200_000];
        java.util.Arrays.fill(nested, (byte) 0x4b);
        assertThatThrownBy(() -> DataRecordDecoder.dataType(nested))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("not a DataRecord (200000 bytes)");
        // The decoding refuses the first group start as a field a DataRecord does not have, before skipping it.
        assertThatThrownBy(() -> DataRecordDecoder.decode(raw(nested, null)))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageStartingWith("not a DataRecord: field 9 is not a DataRecord field (200000 bytes");
    }
}
