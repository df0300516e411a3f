package dev.modelserving.flink.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.junit.jupiter.api.Test;

class RecordInputTest {

    private static final DataRecord RECORD = DataRecord.newBuilder()
            .setDataType("wine")
            .putFeatures("alcohol", 12.5)
            .build();

    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
    private final List<DeadLetter> deadLetters = new ArrayList<>();

    private long counter(String name) {
        return ((Counter) metrics.get(name)).getCount();
    }

    private static EncodedRecord encoded(byte[] payload) {
        return new EncodedRecord("wine", new RawRecord(payload, null, "records", 0, 9L, 5_000L));
    }

    @Test
    void parsedRecordsAreServedAsTheyAre() {
        RecordInput<DataRecord> input = RecordInput.parsed();
        input.open(metrics);
        assertThat(input.record(RECORD, 1L, deadLetters::add)).isSameAs(RECORD);
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void encodedRecordsAreParsedAndCompletedOnce() {
        RecordInput<EncodedRecord> input = RecordInput.encoded(ParseLimits.defaults());
        input.open(metrics);

        DataRecord served = input.record(encoded(RECORD.toByteArray()), 1L, deadLetters::add);

        assertThat(served)
                .isEqualTo(RECORD.toBuilder()
                        .setId("records-0-9")
                        .setEventTimeMillis(5_000L)
                        .build());
        assertThat(deadLetters).isEmpty();
        assertThat(counter(RecordParser.PARSED_METRIC)).isEqualTo(1);
        assertThat(counter(PayloadParser.DEAD_LETTERS_METRIC)).isZero();
    }

    @Test
    void anEncodedRecordThatDoesNotParseIsADeadLetterWithinTheLimits() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RECORD.writeTo(bytes);
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(42, "x".repeat(500));
        out.flush();
        byte[] foreign = bytes.toByteArray();
        RecordInput<EncodedRecord> input = RecordInput.encoded(new ParseLimits(
                100,
                ParseLimits.defaults().maxDescriptorBytes(),
                ParseLimits.defaults().maxDeadlineMillis()));
        input.open(metrics);

        assertThat(input.record(encoded(foreign), 7_000L, deadLetters::add)).isNull();

        assertThat(deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.getReason()).startsWith("not a DataRecord: field 42");
            assertThat(letter.getSourceTopic()).isEqualTo("records");
            assertThat(letter.getSourceOffset()).isEqualTo(9L);
            assertThat(letter.getTimestampMillis()).isEqualTo(7_000L);
            assertThat(letter.getPayloadSize()).isEqualTo(foreign.length);
            assertThat(letter.getPayload()).isEqualTo(ByteString.copyFrom(foreign, 0, 100));
            assertThat(letter.getPayloadTruncated()).isTrue();
        });
        assertThat(counter(PayloadParser.DEAD_LETTERS_METRIC)).isEqualTo(1);
        assertThat(counter(RecordParser.PARSED_METRIC)).isZero();
    }
}
