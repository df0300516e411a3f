package dev.modelserving.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import org.junit.jupiter.api.Test;

class RecordSizeGuardTest {

    private static final int LIMIT = 4096;
    private final RecordSizeGuard guard = new RecordSizeGuard(LIMIT);

    private static ServingResult bigResult() {
        ServingResult.Builder result = ServingResult.newBuilder()
                .setRecordId("r-1")
                .setKey("k")
                .setDataType("img")
                .setStatus(ServingStatus.SCORED)
                .setModelName("m")
                .setModelVersion(4)
                .setModelSha256("ab")
                .setEventTimeMillis(77)
                .setStrategy("FIRST");
        for (int i = 0; i < 1000; i++) {
            result.addOutputs(i);
        }
        return result.build();
    }

    @Test
    void aMessageThatFitsIsKept() {
        ServingResult small = ServingResult.newBuilder().setRecordId("r").build();
        RecordSizeGuard.Fitted<ServingResult> fitted = guard.fit(small, 10);
        assertThat(fitted.outcome()).isEqualTo(RecordSizeGuard.Outcome.FITS);
        assertThat(fitted.message()).containsSame(small);
    }

    @Test
    void anOversizedResultBecomesAFailedResultOfTheSameRecordAndModel() {
        ServingResult big = bigResult();
        RecordSizeGuard.Fitted<ServingResult> fitted = guard.fit(big, 1);
        assertThat(fitted.outcome()).isEqualTo(RecordSizeGuard.Outcome.RESULT_FAILED);
        ServingResult failed = fitted.message().orElseThrow();
        assertThat(failed.getSerializedSize()).isLessThanOrEqualTo(guard.valueBudget(1));
        assertThat(failed.getStatus()).isEqualTo(ServingStatus.FAILED);
        assertThat(failed.getRecordId()).isEqualTo("r-1");
        assertThat(failed.getKey()).isEqualTo("k");
        assertThat(failed.getModelName()).isEqualTo("m");
        assertThat(failed.getModelVersion()).isEqualTo(4);
        assertThat(failed.getEventTimeMillis()).isEqualTo(77);
        assertThat(failed.getOutputsCount()).isZero();
        assertThat(failed.getError())
                .isEqualTo(
                        "the SCORED result was " + big.getSerializedSize()
                                + " bytes, above the Kafka request limit of 4096 bytes (--max-request-bytes): outputs not written");
    }

    @Test
    void anOversizedEventKeepsItsFieldsWithACutReason() {
        ModelEvent event = ModelEvent.newBuilder()
                .setType(ModelEventType.REJECTED)
                .setDataType("t")
                .setModelName("m")
                .setModelVersion(2)
                .setReason("é".repeat(5000))
                .build();
        RecordSizeGuard.Fitted<ModelEvent> fitted = guard.fit(event, 1);
        assertThat(fitted.outcome()).isEqualTo(RecordSizeGuard.Outcome.EVENT_TRUNCATED);
        ModelEvent cut = fitted.message().orElseThrow();
        assertThat(cut.getSerializedSize()).isLessThanOrEqualTo(guard.valueBudget(1));
        assertThat(cut.getReason())
                .startsWith("ééé")
                .endsWith("... (cut: the event was " + event.getSerializedSize()
                        + " bytes, above the Kafka request limit of 4096 bytes)");
        assertThat(cut.toBuilder().clearReason().build())
                .isEqualTo(event.toBuilder().clearReason().build());
    }

    @Test
    void anOversizedDeadLetterKeepsAShorterPrefixAndStillDescribesTheWholePayload() {
        byte[] payload = new byte[10_000];
        DeadLetter letter = DeadLetter.newBuilder()
                .setPayload(ByteString.copyFrom(payload))
                .setSourceTopic("records")
                .setReason("not a DataRecord")
                .setPayloadSha256("cafe")
                .setPayloadSize(10_000)
                .build();
        RecordSizeGuard.Fitted<DeadLetter> fitted = guard.fit(letter, 7);
        assertThat(fitted.outcome()).isEqualTo(RecordSizeGuard.Outcome.DEAD_LETTER_CUT);
        DeadLetter cut = fitted.message().orElseThrow();
        assertThat(cut.getSerializedSize()).isLessThanOrEqualTo(guard.valueBudget(7));
        assertThat(cut.getPayload().size()).isGreaterThan(3000).isLessThan(10_000);
        assertThat(cut.getPayloadTruncated()).isTrue();
        assertThat(cut.getPayloadSize()).isEqualTo(10_000);
        assertThat(cut.getPayloadSha256()).isEqualTo("cafe");
        assertThat(cut.getReason()).isEqualTo("not a DataRecord");
    }

    @Test
    void otherMessagesAndHopelessKeysAreDropped() {
        DataRecord record = DataRecord.newBuilder().setId("x".repeat(5000)).build();
        assertThat(guard.fit(record, 0).outcome()).isEqualTo(RecordSizeGuard.Outcome.DROPPED);
        assertThat(guard.fit(record, 0).message()).isEmpty();
        assertThat(guard.fit(bigResult(), LIMIT).outcome()).isEqualTo(RecordSizeGuard.Outcome.DROPPED);
    }
}
