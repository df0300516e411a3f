package dev.modelserving.model.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.ModelId;
import dev.modelserving.model.Prediction;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.util.LinkedHashMap;
import org.junit.jupiter.api.Test;

/** Results built with a model's encoded lineage are the results built from its strings, byte for byte. */
class ServingResultsTest {

    private static final ModelId MODEL = new ModelId("wine", "qualité", 3, "pmml", "ab".repeat(32));
    private static final DataRecord RECORD = DataRecord.newBuilder()
            .setDataType("wine")
            .setId("r-1")
            .setKey("cellar")
            .setEventTimeMillis(5)
            .build();

    private static Prediction good() {
        LinkedHashMap<String, Double> probabilities = new LinkedHashMap<>();
        probabilities.put("good", 0.75);
        return Prediction.classification("good", probabilities);
    }

    @Test
    void aScoredResultCarriesTheRecordAndTheModel() {
        ServingResult result = ServingResults.scored(RECORD, ModelLineage.of(MODEL), good(), 12, 3);
        ServingResult expected = ServingResult.newBuilder()
                .setRecordId("r-1")
                .setKey("cellar")
                .setDataType("wine")
                .setEventTimeMillis(5)
                .setStatus(ServingStatus.SCORED)
                .setModelName("qualité")
                .setModelVersion(3)
                .setModelSha256("ab".repeat(32))
                .setLatencyNanos(12)
                .setBatchWaitNanos(3)
                .addOutputs(0.75)
                .setLabel("good")
                .putProbabilities("good", 0.75)
                .build();
        assertThat(result).isEqualTo(expected);
        assertThat(result.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(ServingResults.scored(RECORD, MODEL, good(), 12))
                .isEqualTo(expected.toBuilder().setBatchWaitNanos(0).build());
    }

    @Test
    void aRecordOfAnotherDataTypeKeepsItsOwn() {
        DataRecord other = RECORD.toBuilder().setDataType("beer").build();
        ServingResult result = ServingResults.failed(other, ModelLineage.of(MODEL), "no", 1, 0);
        assertThat(result.getDataType()).isEqualTo("beer");
        assertThat(result.getModelName()).isEqualTo("qualité");
        assertThat(result.getModelSha256()).isEqualTo("ab".repeat(32));
        assertThat(ServingResults.failed(other, (ModelId) null, "no", 1).getModelName())
                .isEmpty();
    }
}
