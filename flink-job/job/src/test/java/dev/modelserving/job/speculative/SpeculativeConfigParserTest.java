package dev.modelserving.job.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.parse.DeadLetters;
import dev.modelserving.flink.parse.RawRecord;
import dev.modelserving.flink.parse.SpeculativeConfigParser;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.SpeculativeConfig;
import java.util.List;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SpeculativeConfigParserTest {

    private OneInputStreamOperatorTestHarness<RawRecord, SpeculativeConfig> harness;
    private long offset;

    @BeforeEach
    void open() throws Exception {
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new SpeculativeConfigParser()));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private void send(byte[] payload) throws Exception {
        harness.processElement(new RawRecord(payload, null, "speculative-config", 0, offset++, 0), 0);
    }

    private List<String> reasons() {
        var side = harness.getSideOutput(DeadLetters.TAG);
        return side == null
                ? List.of()
                : side.stream()
                        .map(StreamRecord::getValue)
                        .map(DeadLetter::getReason)
                        .toList();
    }

    @Test
    void parsesAValidConfiguration() throws Exception {
        SpeculativeConfig config = SpeculativeConfig.newBuilder()
                .setDataType("sensor")
                .setDeadlineMillis(100)
                .setStrategy(DecisionStrategy.SHADOW)
                .setPrimaryModel("p")
                .setVersion(3)
                .build();
        send(config.toByteArray());
        assertThat(harness.extractOutputValues()).containsExactly(config);
        assertThat(reasons()).isEmpty();
    }

    @Test
    void unusableConfigurationsAreDeadLettersWithTheReason() throws Exception {
        send(new byte[] {(byte) 0xff, 1, 2});
        send(SpeculativeConfig.newBuilder().setDeadlineMillis(5).build().toByteArray());
        send(SpeculativeConfig.newBuilder()
                .setDataType("t")
                .setDeadlineMillis(-1)
                .build()
                .toByteArray());
        send(SpeculativeConfig.newBuilder()
                .setDataType("t")
                .setStrategyValue(99)
                .build()
                .toByteArray());
        send(SpeculativeConfig.newBuilder()
                .setDataType("t")
                .setStrategy(DecisionStrategy.SHADOW)
                .build()
                .toByteArray());
        send(new byte[0]);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(reasons()).hasSize(6);
        assertThat(reasons().get(0)).startsWith("not a SpeculativeConfig (3 bytes)");
        assertThat(reasons().subList(1, 5))
                .containsExactly(
                        "SpeculativeConfig without data_type",
                        "SpeculativeConfig for 't': negative deadline_millis -1",
                        "SpeculativeConfig for 't': unknown strategy 99",
                        "SpeculativeConfig for 't': strategy SHADOW needs primary_model");
        assertThat(reasons().get(5)).startsWith("empty payload");
    }
}
