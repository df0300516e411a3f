package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelctl produce} against a real in-process broker. */
class ProduceCommandTest {

    private static final String CSV_MAPPING = """
            {"columns": ["wine id", "fixed acidity", "alcohol", "colour"], "data_type": "wine",
             "key_field": "wine id", "id_field": "wine id", "features": ["fixed acidity", "alcohol"],
             "categorical_features": ["colour"]}
            """;
    private static final String JSON_MAPPING = """
            {"data_type": "wine", "key_field": "cellar.name", "id_field": "id",
             "features": {"lab.alcohol": "alcohol"}, "categorical_features": {"/wine/colour": "colour"}}
            """;
    private static final String WINES = """
            wine id,fixed acidity,alcohol,colour
            "w-1, cellar A",7.4,9.4,red
            w-2,6.3,10.5,white

            w-3,11.2,12.8,white
            """;

    private static EmbeddedKafkaBroker broker;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        broker = CliTopics.broker(
                "csv-lines", "json-records", "looped", "header-mismatch", "proto-results", "json-results");
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void csvLinesAreSentAsTheyAreKeyedByTheMappingsKeyFieldAndTheHeaderIsSkipped() throws Exception {
        CliRunner.Result result = CliRunner.run(
                "produce",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "csv-lines",
                "--format",
                "csv",
                "--mapping",
                write("wine-mapping.json", CSV_MAPPING).toString(),
                "--header",
                write("wines.csv", WINES).toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("sent 3 records to csv-lines (csv)\n");
        List<ConsumerRecord<String, byte[]>> sent = CliTopics.readAll(broker, "csv-lines", 3);
        assertThat(sent).extracting(ConsumerRecord::key).containsExactly("w-1, cellar A", "w-2", "w-3");
        assertThat(sent)
                .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactly("\"w-1, cellar A\",7.4,9.4,red", "w-2,6.3,10.5,white", "w-3,11.2,12.8,white");
    }

    @Test
    void jsonLinesFromStandardInputBecomeDataRecordsAndUnmappableLinesAreReported() throws Exception {
        String lines = """
                {"id": "j-1", "cellar": {"name": "north"}, "lab": {"alcohol": 11.5}, "wine": {"colour": "white"}}
                {"id": "j-2", "cellar": {"name": "south"}, "lab": {"alcohol": "lots"}, "wine": {"colour": "red"}}
                {"id": "j-3", "cellar": {"name": "south"}, "lab": {"alcohol": 9.0}, "wine": {"colour": "red"}}
                """;
        CliRunner.Result result = CliRunner.runWithStdin(
                lines,
                "produce",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "json-records",
                "--format",
                "data-record",
                "--mapping",
                write("json-mapping.json", JSON_MAPPING).toString(),
                "-");
        assertThat(result.exitCode()).isEqualTo(ProduceCommand.SOME_LINES_SKIPPED);
        assertThat(result.out()).isEqualTo("sent 2 records to json-records (data-record); 1 line(s) skipped\n");
        assertThat(result.errLines())
                .containsExactly("standard input line 2: not sent: feature 'alcohol' (field 'lab.alcohol'): 'lots'"
                        + " is not a number");
        List<ConsumerRecord<String, byte[]>> sent = CliTopics.readAll(broker, "json-records", 2);
        assertThat(sent).extracting(ConsumerRecord::key).containsExactly("north", "south");
        DataRecord first = DataRecord.parseFrom(sent.get(0).value());
        assertThat(first.getDataType()).isEqualTo("wine");
        assertThat(first.getId()).isEqualTo("j-1");
        assertThat(first.getKey()).isEqualTo("north");
        assertThat(first.getFeaturesMap()).isEqualTo(Map.of("alcohol", 11.5));
        assertThat(first.getCategoricalFeaturesMap()).isEqualTo(Map.of("colour", "white"));
        assertThat(DataRecord.parseFrom(sent.get(1).value()).getId()).isEqualTo("j-3");
    }

    @Test
    void loopRepeatsTheFileUpToMaxRecordsWithAKeyFieldFromTheHeader() throws Exception {
        CliRunner.Result result = CliRunner.run(
                "produce",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "looped",
                "--format",
                "csv",
                "--header",
                "--key-field",
                "colour",
                "--loop",
                "--max-records",
                "7",
                "--rate",
                "1000",
                write("looped.csv", WINES).toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("sent 7 records to looped (csv)\n");
        assertThat(CliTopics.readAll(broker, "looped", 7))
                .extracting(ConsumerRecord::key)
                .containsExactly("red", "white", "white", "red", "white", "white", "red");
    }

    @Test
    void aHeaderThatDoesNotMatchTheMappingStopsBeforeSendingAnything() throws Exception {
        CliRunner.Result result = CliRunner.run(
                "produce",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "header-mismatch",
                "--format",
                "csv",
                "--mapping",
                write("mismatch-mapping.json", CSV_MAPPING).toString(),
                "--header",
                write("other.csv", "id,acidity,alcohol,colour\nw-1,7,9,red\n").toString());
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err())
                .contains("names the columns [id, acidity, alcohol, colour], the mapping lists [wine id, fixed"
                        + " acidity, alcohol, colour]");
        assertThat(CliTopics.readAvailable(broker, "header-mismatch")).isEmpty();
    }

    @Test
    void tailReadsJsonResultsAsItReadsProtobufOnes() throws Exception {
        ServingResult result = ServingResult.newBuilder()
                .setRecordId("w-2, cellar B")
                .setKey("w-2, cellar B")
                .setDataType("wine")
                .setStatus(ServingStatus.SCORED)
                .setModelName("wine-quality")
                .setModelVersion(1)
                .addOutputs(5.86)
                .setLatencyNanos(42_000)
                .build();
        CliTopics.write(broker, "proto-results", "k", List.of(result.toByteArray()));
        CliTopics.write(
                broker,
                "json-results",
                "k",
                List.of(
                        JsonFormat.printer().print(result).getBytes(StandardCharsets.UTF_8),
                        "{\"recordId\": 7, \"nope\": true}".getBytes(StandardCharsets.UTF_8)));
        CliRunner.Result proto = CliRunner.run(
                "tail",
                "results",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "proto-results",
                "--from-beginning",
                "--max-messages",
                "1");
        CliRunner.Result json = CliRunner.run(
                "tail",
                "results",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "json-results",
                "--from-beginning",
                "--max-messages",
                "2");
        assertThat(proto.exitCode()).as(proto.err()).isZero();
        assertThat(json.exitCode()).as(json.err()).isZero();
        List<String> lines = json.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0))
                .isEqualTo(proto.out().lines().findFirst().orElseThrow())
                .contains("wine-quality");
        assertThat(lines.get(1))
                .startsWith("unreadable message at json-results-0@1")
                .contains("in JSON");
    }
}
