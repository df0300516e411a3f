package dev.modelserving.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.flink.parse.RecordFormat;
import dev.modelserving.job.io.ResultsFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --data-format json|csv}, {@code --record-mapping} and {@code --results-format}. */
class DataFormatFlagsTest {

    @TempDir
    Path dir;

    @Test
    void csvWithAMappingIsReadOnTheClientAndResultsDefaultToProtobuf() throws Exception {
        Path mapping = Files.writeString(dir.resolve("m.json"), """
                {"columns": ["id", "alcohol"], "data_type": "wine", "id_field": "id", "features": ["alcohol"]}""");
        ServingJobConfig config = ServingJobConfig.fromArgs(
                "--data-format", "csv", "--record-mapping", mapping.toString(), "--results-format", "json");
        assertThat(config.dataFormat()).isEqualTo(RecordFormat.CSV);
        assertThat(config.recordMapping())
                .hasValueSatisfying(m -> assertThat(m.featureNames()).containsExactly("alcohol"));
        assertThat(config.resultsFormat()).isEqualTo(ResultsFormat.JSON);
        assertThat(config.toString()).contains("record-mapping=[alcohol]", "results-format=json");
        assertThat(ServingJobConfig.fromArgs().resultsFormat()).isEqualTo(ResultsFormat.PROTOBUF);
        assertThat(ServingJobConfig.fromArgs().recordMapping()).isEmpty();
    }

    @Test
    void wrongCombinationsNameTheFlag() throws Exception {
        Path jsonMapping =
                Files.writeString(dir.resolve("j.json"), "{\"data_type\": \"wine\", \"features\": [\"lab.alcohol\"]}");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--data-format", "json"))
                .hasMessageStartingWith("--data-format json needs --record-mapping <file>");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--record-mapping", jsonMapping.toString()))
                .hasMessageStartingWith("--record-mapping is for --data-format json|csv, not data-record");
        assertThatThrownBy(() ->
                        ServingJobConfig.fromArgs("--data-format", "csv", "--record-mapping", jsonMapping.toString()))
                .hasMessageContaining("--record-mapping")
                .hasMessageContaining("for JSON records");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs(
                        "--data-format",
                        "json",
                        "--record-mapping",
                        dir.resolve("absent.json").toString()))
                .hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--results-format", "xml"))
                .hasMessageStartingWith("--results-format 'xml' is not protobuf|json");
    }
}
