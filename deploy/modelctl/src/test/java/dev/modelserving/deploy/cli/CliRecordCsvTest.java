package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.proto.DataRecord;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How record CSVs are read: column roles, byte-order mark, named features versus a packed vector. */
class CliRecordCsvTest {

    private static RecordCsvReader open(String csv) throws CliException {
        return RecordCsvReader.open("t.csv", new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void columnsTakeTheirRolesFromTheHeader() throws Exception {
        try (RecordCsvReader reader = open("\uFEFFid,b,expected_1,key,a,expected_label,expected_0,c\n")) {
            CsvLayout layout = reader.layout();
            assertThat(layout.idColumn()).isZero();
            assertThat(layout.keyColumn()).isEqualTo(3);
            assertThat(layout.expectedColumns()).containsExactly(6, 2);
            assertThat(layout.expectedLabelColumn()).isEqualTo(5);
            assertThat(layout.featureNames()).containsExactly("b", "a", "c");
            assertThat(layout.hasExpectations()).isTrue();
        }
    }

    @Test
    void badHeadersAreRefusedWithTheReason() {
        assertThatThrownBy(() -> open("a,b,a\n")).hasMessageContaining("'a' twice");
        assertThatThrownBy(() -> open("a,,b\n")).hasMessageContaining("column 2");
        assertThatThrownBy(() -> open("a,expected_0,expected_2\n")).hasMessageContaining("expected_1 is missing");
        assertThatThrownBy(() -> open("a,expected,expected_0\n")).hasMessageContaining("not both");
        assertThatThrownBy(() -> open("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> {
                    try (RecordCsvReader reader = open("a,b\n\"1,2\n")) {
                        reader.readAll();
                    }
                })
                .isInstanceOf(CliException.class)
                .hasMessageContaining("t.csv: not a readable CSV");
    }

    @Test
    void namedFeaturesSkipEmptyCellsAndCarryIdAndKey() throws Exception {
        try (RecordCsvReader reader = open("key,x,id,y\nm7, 1.5 ,r1,\n")) {
            CsvRow row = reader.next();
            DataRecord record = new RecordBuilder("sensor", false).build(row);
            assertThat(record.getId()).isEqualTo("r1");
            assertThat(record.getKey()).isEqualTo("m7");
            assertThat(record.getDataType()).isEqualTo("sensor");
            assertThat(record.getFeaturesMap()).containsOnlyKeys("x").containsEntry("x", 1.5);
            assertThat(record.getVectorCount()).isZero();
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void aPackedVectorTakesTheFeatureColumnsInOrderAndNeedsEveryValue() throws Exception {
        try (RecordCsvReader reader = open("p2,id,p0,p1,expected\n0.25,a,-1,3e2,9\n1,b,,2,9\n1,c,2,Infinity,9\n")) {
            List<CsvRow> rows = reader.readAll();
            RecordBuilder packed = new RecordBuilder("img", true);
            DataRecord record = packed.build(rows.get(0));
            assertThat(record.getVectorList()).containsExactly(0.25f, -1f, 300f);
            assertThat(record.getFeaturesCount()).isZero();
            assertThatThrownBy(() -> packed.build(rows.get(1)))
                    .isInstanceOf(RowException.class)
                    .hasMessageContaining("'p0' is empty");
            assertThatThrownBy(() -> packed.build(rows.get(2)))
                    .isInstanceOf(RowException.class)
                    .hasMessageContaining("'p1' is Infinity");
            assertThat(rows.get(1).describe()).isEqualTo("t.csv row 2 (id b)");
        }
    }
}
