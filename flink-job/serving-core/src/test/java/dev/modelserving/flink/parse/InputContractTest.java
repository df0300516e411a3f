package dev.modelserving.flink.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.proto.DataRecord;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The record parser's input contract in operator state: the same format restores, another one is refused. */
class InputContractTest {

    private static OneInputStreamOperatorTestHarness<RawRecord, DataRecord> harness(RecordFormat format)
            throws Exception {
        RecordParser parser = new RecordParser(format);
        var harness = new OneInputStreamOperatorTestHarness<RawRecord, DataRecord>(new ProcessOperator<>(parser));
        harness.setup(parser.getProducedType().createSerializer(new SerializerConfigImpl()));
        return harness;
    }

    private static OperatorSubtaskState snapshotOf(RecordFormat format) throws Exception {
        try (var harness = harness(format)) {
            harness.open();
            return harness.snapshot(1, 10);
        }
    }

    @Test
    void theContractReadsAsFlags() {
        InputContract contract = new InputContract(RecordFormat.SENSOR_READING);
        assertThat(contract.encode()).isEqualTo("data-format=sensor-reading");
        assertThat(contract.describe()).isEqualTo("--data-format sensor-reading");
        assertThat(InputContract.describe(contract.encode())).isEqualTo(contract.describe());
        assertThat(InputContract.flagNames("data-format=x;strict=true")).isEqualTo("--data-format and --strict");
    }

    @Test
    void aSnapshotOfTheSameFormatRestores() throws Exception {
        OperatorSubtaskState state = snapshotOf(RecordFormat.DATA_RECORD);
        try (var restored = harness(RecordFormat.DATA_RECORD)) {
            restored.initializeState(state);
            restored.open();
            restored.processElement(
                    new RawRecord(
                            DataRecord.newBuilder()
                                    .setDataType("wine")
                                    .setId("r")
                                    .build()
                                    .toByteArray(),
                            null,
                            "records",
                            0,
                            1,
                            1),
                    0);
            assertThat(restored.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void aSnapshotOfAnotherFormatIsRefusedWithoutRestarts() throws Exception {
        OperatorSubtaskState state = snapshotOf(RecordFormat.DATA_RECORD);
        try (var restored = harness(RecordFormat.SENSOR_READING)) {
            assertThatThrownBy(() -> restored.initializeState(state))
                    .isInstanceOf(SuppressRestartsException.class)
                    .cause()
                    .hasMessage("the savepoint (or checkpoint) this job restores was taken with --data-format"
                            + " data-record; the job now runs with --data-format sensor-reading: restart with the"
                            + " same --data-format, or start without the savepoint");
        }
    }
}
