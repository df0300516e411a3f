package dev.modelserving.job.sensor.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.parse.PayloadParser;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.RpmMonitoringConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RpmMonitoringConfigParserTest {

    private ContextParserHarness harness;

    @BeforeEach
    void open() throws Exception {
        harness = new ContextParserHarness(new RpmMonitoringConfigParser());
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void aValidConfigBecomesAnUpdate() throws Exception {
        RpmMonitoringConfig config = RpmMonitoringConfig.newBuilder()
                .setAcceptableDeviationRatio(0.1)
                .setAcceptableDeviationsPerWindow(0)
                .setWindowMillis(1_000)
                .build();
        harness.process("default", config.toByteArray());
        assertThat(harness.output())
                .containsExactly(ContextUpdate.newBuilder()
                        .setRpmMonitoringConfig(config)
                        .build());
        assertThat(harness.counter(RpmMonitoringConfigParser.PARSED_METRIC)).isEqualTo(1);
    }

    @Test
    void aTombstoneOrAnEmptyConfigMeansTheDefaults() throws Exception {
        harness.process("default", null);
        harness.process(null, new byte[0]);
        ContextUpdate defaults = ContextUpdate.newBuilder()
                .setRpmMonitoringConfig(RpmMonitoringConfig.getDefaultInstance())
                .build();
        assertThat(harness.output()).containsExactly(defaults, defaults);
        assertThat(RpmMonitoringSettings.of(harness.output().get(0).getRpmMonitoringConfig()))
                .isEqualTo(RpmMonitoringSettings.DEFAULTS);
    }

    @Test
    void boundsAreInclusive() throws Exception {
        harness.process(
                "default",
                RpmMonitoringConfig.newBuilder()
                        .setAcceptableDeviationRatio(10)
                        .setWindowMillis(86_400_000)
                        .build()
                        .toByteArray());
        assertThat(harness.output()).hasSize(1);
        assertThat(harness.deadLetters()).isEmpty();
    }

    @Test
    void outOfRangeValuesAreDeadLetters() throws Exception {
        send(RpmMonitoringConfig.newBuilder().setAcceptableDeviationRatio(0));
        send(RpmMonitoringConfig.newBuilder().setAcceptableDeviationRatio(10.5));
        send(RpmMonitoringConfig.newBuilder().setAcceptableDeviationRatio(Double.NaN));
        send(RpmMonitoringConfig.newBuilder().setAcceptableDeviationsPerWindow(-1));
        send(RpmMonitoringConfig.newBuilder().setWindowMillis(999));
        send(RpmMonitoringConfig.newBuilder().setWindowMillis(86_400_001));
        assertThat(harness.output()).isEmpty();
        assertThat(harness.deadLetters())
                .extracting(d -> d.getReason())
                .satisfiesExactly(
                        r -> assertThat(r).contains("acceptable_deviation_ratio 0.0 is not in (0, 10.0]"),
                        r -> assertThat(r).contains("acceptable_deviation_ratio 10.5"),
                        r -> assertThat(r).contains("acceptable_deviation_ratio NaN"),
                        r -> assertThat(r).contains("acceptable_deviations_per_window -1 is negative"),
                        r -> assertThat(r).contains("window_millis 999 is not in"),
                        r -> assertThat(r).contains("window_millis 86400001 is not in"));
        assertThat(harness.counter(PayloadParser.DEAD_LETTERS_METRIC)).isEqualTo(6);
    }

    @Test
    void aKeyOtherThanDefaultIsADeadLetter() throws Exception {
        harness.process(
                "m-1",
                RpmMonitoringConfig.newBuilder().setWindowMillis(5_000).build().toByteArray());
        assertThat(harness.output()).isEmpty();
        assertThat(harness.deadLetters())
                .singleElement()
                .satisfies(d -> assertThat(d.getReason()).contains("its Kafka key must be 'default'"));
    }

    @Test
    void aMachinePropertiesIsADeadLetter() throws Exception {
        harness.process("default", Machines.press("m-1").toByteArray());
        assertThat(harness.output()).isEmpty();
        assertThat(harness.deadLetters())
                .singleElement()
                .satisfies(d -> assertThat(d.getReason()).contains("not a RpmMonitoringConfig: field 1"));
    }

    @Test
    void anOversizedPayloadIsADeadLetter() throws Exception {
        harness.process("default", new byte[RpmMonitoringConfigParser.MAX_PAYLOAD_BYTES + 1]);
        assertThat(harness.output()).isEmpty();
        assertThat(harness.deadLetters())
                .singleElement()
                .satisfies(d -> assertThat(d.getReason()).contains("the limit is 1024"));
    }

    private void send(RpmMonitoringConfig.Builder config) throws Exception {
        harness.process("default", config.build().toByteArray());
    }
}
