package dev.modelserving.model.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.proto.DataRecord;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Mapping files and the records they make from CSV lines and JSON objects. */
class RecordMapperTest {

    private static final String WINE_CSV_MAPPING = """
            {
              "columns": ["wine id", "fixed acidity", "volatile acidity", "alcohol", "colour", "tasted at"],
              "data_type": "wine",
              "key_field": "wine id",
              "id_field": "wine id",
              "event_time_field": "tasted at",
              "features": {"fixed acidity": "fixed acidity", "alcohol": "alcohol"},
              "remaining_numeric_features": true,
              "categorical_features": ["colour"]
            }
            """;

    private static final String NESTED_JSON_MAPPING = """
            {
              "data_type_field": "kind",
              "key_field": "/wine/id",
              "event_time_field": "meta.time",
              "features": {"/lab/fixed acidity": "fixed acidity", "lab.alcohol": "alcohol"},
              "categorical_features": {"wine.colour": "colour"},
              "vector": {"field": "spectrum", "shape": [2, 2]}
            }
            """;

    private static RecordMapper mapper(String mapping) {
        return new RecordMapper(RecordMapping.parse(mapping));
    }

    @Test
    void csvLineWithSpacedColumnsQuotedCommasAndACategory() throws Exception {
        RecordMapper mapper = mapper(WINE_CSV_MAPPING);
        DataRecord record = mapper.map("\"w-1, cellar A\",7.4,0.7,9.4,red,2026-11-30T08:00:00Z");
        assertThat(record.getDataType()).isEqualTo("wine");
        assertThat(record.getKey()).isEqualTo("w-1, cellar A");
        assertThat(record.getId()).isEqualTo("w-1, cellar A");
        assertThat(record.getEventTimeMillis())
                .isEqualTo(java.time.Instant.parse("2026-11-30T08:00:00Z").toEpochMilli());
        assertThat(record.getFeaturesMap())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("fixed acidity", 7.4, "alcohol", 9.4, "volatile acidity", 0.7));
        assertThat(record.getCategoricalFeaturesMap()).containsExactlyEntriesOf(Map.of("colour", "red"));
        // The same bytes through the byte[] entry point (what the job reads from Kafka).
        assertThat(mapper.map(
                        "\"w-1, cellar A\",7.4,0.7,9.4,red,2026-11-30T08:00:00Z".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(record);
        assertThat(mapper.key("w-2,1,2,3,white,1")).contains("w-2");
    }

    @Test
    void csvProblemsNameTheField() {
        RecordMapper mapper = mapper(WINE_CSV_MAPPING);
        assertThatThrownBy(() -> mapper.map("w-1,high,0.7,9.4,red,1"))
                .isInstanceOf(RecordMappingException.class)
                .hasMessage("feature 'fixed acidity' (field 'fixed acidity'): 'high' is not a number");
        assertThatThrownBy(() -> mapper.map("w-1,7.4,0.7,,red,1"))
                .hasMessage("missing feature 'alcohol' (field 'alcohol')");
        assertThatThrownBy(() -> mapper.map("w-1,7.4,oops,9.4,red,1"))
                .hasMessageContaining("column 'volatile acidity'")
                .hasMessageContaining("'oops' is not a number");
        assertThatThrownBy(() -> mapper.map("w-1,7.4,0.7,9.4,red"))
                .hasMessageContaining("the CSV line has 5 values, the mapping lists 6 columns");
        assertThatThrownBy(() -> mapper.map("w-1,7.4,0.7,9.4,red,yesterday"))
                .hasMessageContaining("event time (field 'tasted at'): 'yesterday' is neither");
        assertThatThrownBy(() -> mapper.map(new byte[] {'w', ',', (byte) 0xff}))
                .hasMessageContaining("not a UTF-8 CSV line");
    }

    @Test
    void nanIsCarriedAsTodayForScoringToRefuse() throws Exception {
        DataRecord record = mapper(WINE_CSV_MAPPING).map("w-1,NaN,0.7,9.4,red,1");
        assertThat(record.getFeaturesOrThrow("fixed acidity")).isNaN();
        assertThat(record.getEventTimeMillis()).isEqualTo(1);
    }

    @Test
    void nestedJsonThroughPointersAndDottedPaths() throws Exception {
        RecordMapper mapper = mapper(NESTED_JSON_MAPPING);
        DataRecord record = mapper.map("""
                {"kind": "wine", "wine": {"id": 42, "colour": "white"},
                 "lab": {"fixed acidity": 6.3, "alcohol": "10.5"},
                 "meta": {"time": 1764489600000}, "spectrum": [1, 2.5, 3, 4], "ignored": 7}
                """);
        assertThat(record.getDataType()).isEqualTo("wine");
        assertThat(record.getKey()).isEqualTo("42");
        assertThat(record.getId()).isEmpty(); // derived by the caller (topic-partition-offset in the job)
        assertThat(record.getEventTimeMillis()).isEqualTo(1764489600000L);
        assertThat(record.getFeaturesMap())
                .containsExactlyInAnyOrderEntriesOf(Map.of("fixed acidity", 6.3, "alcohol", 10.5));
        assertThat(record.getCategoricalFeaturesMap()).containsExactlyEntriesOf(Map.of("colour", "white"));
        assertThat(record.getVectorList()).containsExactly(1f, 2.5f, 3f, 4f);
        assertThat(record.getVectorShapeList()).containsExactly(2L, 2L);
    }

    @Test
    void jsonProblemsNameTheField() {
        RecordMapper mapper = mapper(NESTED_JSON_MAPPING);
        String good = """
                {"kind": "wine", "wine": {"id": 1, "colour": "red"}, "lab": {"fixed acidity": 6.3, "alcohol": 9},
                 "meta": {"time": "2026-11-30T08:00:00+01:00"}, "spectrum": [1, 2, 3, 4]}""";
        assertThat(mapper.key(good)).contains("1");
        assertThatThrownBy(() -> mapper.map("{\"kind\": \"wine\", "))
                .isInstanceOf(RecordMappingException.class)
                .hasMessageStartingWith("not a JSON object");
        assertThatThrownBy(() -> mapper.map("[1, 2]")).hasMessage("not a JSON object: a array value");
        assertThatThrownBy(() -> mapper.map("{\"kind\": \"a\", \"kind\": \"b\"}"))
                .hasMessageContaining("Duplicate field 'kind'");
        assertThatThrownBy(() -> mapper.map(good.replace("\"alcohol\": 9", "\"alcohol\": true")))
                .hasMessage("feature 'alcohol' (field 'lab.alcohol'): a boolean is not a number");
        assertThatThrownBy(() -> mapper.map(good.replace("\"fixed acidity\": 6.3, ", "")))
                .hasMessage("missing feature 'fixed acidity' (field '/lab/fixed acidity')");
        assertThatThrownBy(() -> mapper.map(good.replace("\"colour\": \"red\"", "\"colour\": null")))
                .hasMessage("missing categorical feature 'colour' (field 'wine.colour')");
        assertThatThrownBy(() -> mapper.map(good.replace("[1, 2, 3, 4]", "[1, 2, 3]")))
                .hasMessage("vector (field 'spectrum') has 3 values, its shape [2, 2] needs 4");
        assertThatThrownBy(() -> mapper.map(good.replace("\"kind\": \"wine\"", "\"kind\": \"\"")))
                .hasMessageContaining("data_type");
        assertThatThrownBy(() -> mapper.map(good.replace("\"kind\": \"wine\", ", "")))
                .hasMessage("missing data type field 'kind'");
    }

    @Test
    void omitLeavesMissingFeaturesToTheModel() throws Exception {
        RecordMapper mapper = mapper("""
                {"data_type": "wine", "features": ["alcohol"], "categorical_features": ["colour"],
                 "missing": "omit"}""");
        DataRecord record = mapper.map("{\"alcohol\": 9.5}");
        assertThat(record.getFeaturesMap()).containsExactlyEntriesOf(Map.of("alcohol", 9.5));
        assertThat(record.getCategoricalFeaturesMap()).isEmpty();
    }

    @Test
    void remainingNumericJsonFieldsAreTopLevelNumbersOnly() throws Exception {
        RecordMapper mapper = mapper("""
                {"data_type": "wine", "key_field": "id", "remaining_numeric_features": true}""");
        DataRecord record = mapper.map("{\"id\": 5, \"pH\": 3.2, \"name\": \"x\", \"nested\": {\"a\": 1}}");
        assertThat(record.getKey()).isEqualTo("5");
        assertThat(record.getFeaturesMap()).containsExactlyEntriesOf(Map.of("pH", 3.2));
    }

    @Test
    void invalidMappingsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> RecordMapping.parse("{\"data_type\": \"w\", \"feature\": [\"a\"]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown key 'feature'");
        assertThatThrownBy(() -> RecordMapping.parse("{\"features\": [\"a\"]}"))
                .hasMessageContaining("exactly one of data_type");
        assertThatThrownBy(() ->
                        RecordMapping.parse("{\"columns\": [\"a\"], \"data_type\": \"w\", \"features\": [\"b\"]}"))
                .hasMessage("field 'b' is not one of the columns [a]");
        assertThatThrownBy(() -> RecordMapping.parse(
                        "{\"data_type\": \"w\", \"features\": [\"a\"], \"categorical_features\": [\"a\"]}"))
                .hasMessageContaining("feature name 'a' is mapped twice");
        assertThatThrownBy(() -> RecordMapping.parse("{\"data_type\": \"w\"}")).hasMessageContaining("no feature");
        assertThatThrownBy(
                        () -> new RecordMapper(RecordMapping.parse("{\"data_type\": \"w\", \"features\": [\"a..b\"]}")))
                .hasMessageContaining("empty segment");
        assertThatThrownBy(() -> RecordMapping.parse(WINE_CSV_MAPPING).requireSyntax(RecordSyntax.JSON))
                .hasMessageContaining("for CSV records");
    }
}
