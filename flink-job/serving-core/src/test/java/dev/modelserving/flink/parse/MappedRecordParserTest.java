package dev.modelserving.flink.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.records.RecordMapping;
import dev.modelserving.proto.DataRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --data-format json|csv}: values mapped by a record mapping; what cannot be mapped is a dead letter. */
class MappedRecordParserTest {

    private static final RecordMapping CSV = RecordMapping.parse("""
            {"columns": ["wine id", "fixed acidity", "alcohol", "colour"], "data_type": "wine",
             "key_field": "wine id", "features": ["fixed acidity", "alcohol"], "categorical_features": ["colour"]}
            """);
    private static final RecordMapping JSON = RecordMapping.parse("""
            {"data_type": "wine", "id_field": "/wine/id", "features": {"lab.alcohol": "alcohol"},
             "categorical_features": {"wine.colour": "colour"}}
            """);

    private static RawRecord raw(String value) {
        return new RawRecord(value.getBytes(StandardCharsets.UTF_8), null, "records", 1, 9L, 1_700_000_000_000L);
    }

    @Test
    void csvValuesBecomeRecordsWithDerivedIdAndKafkaTime() throws Exception {
        try (ParserHarness<DataRecord> harness =
                new ParserHarness<>(new RecordParser(RecordFormat.CSV, ParseLimits.defaults(), CSV))) {
            harness.process(raw("\"w,1\",7.4,9.4,red"));
            DataRecord record = harness.output().get(0);
            assertThat(record.getDataType()).isEqualTo("wine");
            assertThat(record.getKey()).isEqualTo("w,1");
            assertThat(record.getId()).isEqualTo("records-1-9");
            assertThat(record.getEventTimeMillis()).isEqualTo(1_700_000_000_000L);
            assertThat(record.getFeaturesMap()).isEqualTo(Map.of("fixed acidity", 7.4, "alcohol", 9.4));
            assertThat(record.getCategoricalFeaturesMap()).isEqualTo(Map.of("colour", "red"));
            assertThat(harness.counter(RecordParser.PARSED_METRIC)).isEqualTo(1);
        }
    }

    @Test
    void unmappableValuesAreDeadLettersNamingTheField() throws Exception {
        try (ParserHarness<DataRecord> harness =
                new ParserHarness<>(new RecordParser(RecordFormat.CSV, ParseLimits.defaults(), CSV))) {
            harness.process(raw("w1,sour,9.4,red"));
            assertThat(harness.onlyDeadLetter().getReason())
                    .isEqualTo("CSV record: feature 'fixed acidity' (field 'fixed acidity'): 'sour' is not a number");
            assertThat(harness.output()).isEmpty();
        }
        try (ParserHarness<DataRecord> harness =
                new ParserHarness<>(new RecordParser(RecordFormat.JSON, ParseLimits.defaults(), JSON))) {
            harness.process(raw("{\"wine\": {\"id\": \"a\", \"colour\": \"red\"}, \"lab\": {}}"));
            harness.process(raw("{\"wine\": "));
            harness.process(raw("{\"wine\": {\"id\": \"b\", \"colour\": \"white\"}, \"lab\": {\"alcohol\": 11}}"));
            assertThat(harness.deadLetters())
                    .extracting(letter -> letter.getReason())
                    .satisfiesExactly(
                            reason -> assertThat(reason)
                                    .isEqualTo("JSON record: missing feature 'alcohol' (field 'lab.alcohol')"),
                            reason -> assertThat(reason).startsWith("JSON record: not a JSON object"));
            assertThat(harness.output()).singleElement().satisfies(record -> {
                assertThat(record.getId()).isEqualTo("b");
                assertThat(record.getFeaturesMap()).isEqualTo(Map.of("alcohol", 11.0));
                assertThat(record.getCategoricalFeaturesMap()).isEqualTo(Map.of("colour", "white"));
            });
            assertThat(harness.counter(PayloadParser.DEAD_LETTERS_METRIC)).isEqualTo(2);
        }
    }

    @Test
    void aMappingMustFitTheFormat() {
        assertThatThrownBy(() -> new RecordParser(RecordFormat.JSON, ParseLimits.defaults(), null))
                .hasMessageContaining("needs a record mapping");
        assertThatThrownBy(() -> new RecordParser(RecordFormat.JSON, ParseLimits.defaults(), CSV))
                .hasMessageContaining("for CSV records");
        assertThatThrownBy(() -> new RecordParser(RecordFormat.DATA_RECORD, ParseLimits.defaults(), JSON))
                .hasMessageContaining("not data-record");
    }
}
