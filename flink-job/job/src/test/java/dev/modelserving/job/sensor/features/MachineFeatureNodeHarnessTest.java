package dev.modelserving.job.sensor.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.flink.parse.DeadLetters;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.SensorReading;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MachineFeatureNodeHarnessTest {

    private static final long MINUTE = 60_000L;

    private final List<MockEnvironment> environments = new ArrayList<>();
    private final List<KeyedOneInputStreamOperatorTestHarness<String, SensorReading, DataRecord>> harnesses =
            new ArrayList<>();
    private InterceptingOperatorMetricGroup metrics;
    private KeyedOneInputStreamOperatorTestHarness<String, SensorReading, DataRecord> harness;

    private KeyedOneInputStreamOperatorTestHarness<String, SensorReading, DataRecord> open(
            OperatorSubtaskState restored) throws Exception {
        metrics = new InterceptingOperatorMetricGroup();
        InterceptingOperatorMetricGroup operatorMetrics = metrics;
        InterceptingTaskMetricGroup taskMetrics = new InterceptingTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(
                    OperatorID operatorId, String name, Map<String, String> additionalVariables) {
                return operatorMetrics;
            }
        };
        MockEnvironment environment =
                new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build();
        environments.add(environment);
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new MachineFeatureNode(2, "readings")),
                SensorReading::getMachineId,
                Types.STRING,
                environment);
        harnesses.add(harness);
        harness.setup(ProtoTypeInfo.of(DataRecord.class).createSerializer(new SerializerConfigImpl()));
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
        harness.setProcessingTime(777L);
        return harness;
    }

    @AfterEach
    void close() throws Exception {
        for (var h : harnesses) {
            h.close();
        }
        for (MockEnvironment environment : environments) {
            environment.close();
        }
    }

    /** Reading {@code i}: one minute apart, temperature 50 + i, rpm 1000 + 10 i, load 40. */
    private static SensorReading reading(String machine, int i) {
        return SensorReading.newBuilder()
                .setMachineId(machine)
                .setTimestampMillis(i * MINUTE)
                .setTemperatureC(50 + i)
                .setFanRpm(1000 + 10 * i)
                .setLoadPercent(40)
                .build();
    }

    private void send(SensorReading reading) throws Exception {
        harness.processElement(reading, reading.getTimestampMillis());
    }

    private List<DataRecord> records() {
        return harness.extractOutputValues();
    }

    private List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(DeadLetters.TAG);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).toList();
    }

    private long counter(String name) {
        return ((Counter) Objects.requireNonNull(metrics.get(name), name)).getCount();
    }

    @Test
    void aWindowOfFewerThanTenReadingsEmitsNothing() throws Exception {
        open(null);
        for (int i = 0; i < 9; i++) {
            send(reading("m1", i));
        }
        harness.processWatermark(100 * MINUTE);

        assertThat(records()).isEmpty();
        assertThat(counter(MachineFeatureNode.WINDOWS_DROPPED_METRIC)).isEqualTo(9);
        assertThat(counter(MachineFeatureNode.WARM_UP_METRIC)).isZero();
    }

    @Test
    void recordsAreEmittedOnTheWatermarkAfterTenReadingsAndTheWarmUpWithHandComputedWhitening() throws Exception {
        open(null);
        for (int i = 0; i < 13; i++) {
            send(reading("m1", i));
        }
        assertThat(records()).as("nothing before the watermark").isEmpty();

        harness.processWatermark(11 * MINUTE);

        // readings 0..8: fewer than 10 in the window; 9 and 10: warm-up (2); 11: the first record; 12 waits
        assertThat(records()).hasSize(1);
        DataRecord record = records().get(0);
        assertThat(record.getDataType()).isEqualTo("machine-features");
        assertThat(record.getKey()).isEqualTo("m1");
        assertThat(record.getId()).isEqualTo("m1-660000");
        assertThat(record.getEventTimeMillis()).isEqualTo(11 * MINUTE);
        assertThat(record.getFeaturesMap()).containsEntry("temperature_c", 61.0);
        // previous feature vectors (readings 9, 10): current temperature 59, 60 -> mean 59.5, std 0.5
        assertThat(record.getFeaturesMap().get("temperature_c_z")).isCloseTo(3.0, within(1e-9));
        // window means 54.5, 55.5 -> mean 55, std 0.5; now 56.5 -> 3
        assertThat(record.getFeaturesMap().get("temperature_mean_c_z")).isCloseTo(3.0, within(1e-9));
        // the window std is sqrt(8.25) every time: std 0 -> (x - mean) / EPSILON = 0
        assertThat(record.getFeaturesMap().get("temperature_std_c_z")).isCloseTo(0.0, within(1e-6));
        assertThat(harness.getOutput().stream()
                        .filter(o -> o instanceof StreamRecord<?>)
                        .map(o -> ((StreamRecord<?>) o).getTimestamp()))
                .containsExactly(11 * MINUTE);
        assertThat(counter(MachineFeatureNode.WINDOWS_DROPPED_METRIC)).isEqualTo(9);
        assertThat(counter(MachineFeatureNode.WARM_UP_METRIC)).isEqualTo(2);
        assertThat(counter(MachineFeatureNode.RECORDS_METRIC)).isEqualTo(1);

        harness.processWatermark(12 * MINUTE);
        assertThat(records()).extracting(DataRecord::getId).containsExactly("m1-660000", "m1-720000");
    }

    @Test
    void readingsOutOfOrderWithinTheBoundAreReleasedInTimestampOrder() throws Exception {
        open(null);
        for (int i = 11; i >= 0; i--) {
            send(reading("m1", i));
        }
        harness.processWatermark(11 * MINUTE);

        assertThat(records()).hasSize(1);
        assertThat(records().get(0).getId()).isEqualTo("m1-660000");
        assertThat(records().get(0).getFeaturesMap().get("temperature_c_z")).isCloseTo(3.0, within(1e-9));
        assertThat(deadLetters()).isEmpty();
    }

    @Test
    void machinesHaveTheirOwnWindowsAndWhitening() throws Exception {
        open(null);
        for (int i = 0; i < 12; i++) {
            send(reading("m1", i));
            if (i < 11) {
                send(reading("m2", i).toBuilder().setTemperatureC(10).build());
            }
        }
        harness.processWatermark(11 * MINUTE);

        assertThat(records()).extracting(DataRecord::getKey).containsExactly("m1");
    }

    @Test
    void aNanReadingDropsEveryWindowItIsIn() throws Exception {
        open(null);
        for (int i = 0; i < 30; i++) {
            SensorReading reading = reading("m1", i);
            send(i == 12 ? reading.toBuilder().setTemperatureC(Double.NaN).build() : reading);
        }
        harness.processWatermark(30 * MINUTE);

        // records at 11 (after warm-up), none while reading 12 is in the window (12..21), then 22..29
        List<String> expected = new ArrayList<>();
        expected.add("m1-" + 11 * MINUTE);
        for (int i = 22; i < 30; i++) {
            expected.add("m1-" + i * MINUTE);
        }
        assertThat(records()).extracting(DataRecord::getId).containsExactlyElementsOf(expected);
        assertThat(counter(MachineFeatureNode.WINDOWS_DROPPED_METRIC)).isEqualTo(9 + 10);
    }

    @Test
    void aLateReadingIsCountedAndDeadLetteredWithTheReason() throws Exception {
        open(null);
        for (int i = 0; i < 5; i++) {
            send(reading("m1", i));
        }
        harness.processWatermark(5 * MINUTE);
        SensorReading late = reading("m1", 3).toBuilder().setTemperatureC(99).build();
        send(late);
        SensorReading atWatermark = reading("m1", 5);
        send(atWatermark);

        assertThat(deadLetters()).hasSize(2);
        DeadLetter letter = deadLetters().get(0);
        assertThat(letter.getReason())
                .contains("late SensorReading of machine 'm1'")
                .contains("timestamp 180000")
                .contains("watermark 300000");
        assertThat(SensorReading.parseFrom(letter.getPayload())).isEqualTo(late);
        assertThat(letter.getSourceTopic()).isEqualTo("readings");
        assertThat(letter.getTimestampMillis()).isEqualTo(777L);
        assertThat(deadLetters().get(1).getReason()).contains("timestamp 300000");
        assertThat(counter(MachineFeatureNode.LATE_METRIC)).isEqualTo(2);
    }

    @Test
    void aSecondReadingWithAWaitingTimestampIsADuplicate() throws Exception {
        open(null);
        send(reading("m1", 1));
        send(reading("m1", 1).toBuilder().setTemperatureC(70).build());

        assertThat(deadLetters())
                .singleElement()
                .satisfies(l -> assertThat(l.getReason()).contains("duplicate"));
        assertThat(counter(MachineFeatureNode.DUPLICATES_METRIC)).isEqualTo(1);
    }

    @Test
    void windowsWhiteningAndWaitingReadingsSurviveASnapshot() throws Exception {
        open(null);
        for (int i = 0; i < 13; i++) {
            send(reading("m1", i));
        }
        harness.processWatermark(11 * MINUTE);
        assertThat(records()).hasSize(1);
        OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);

        open(snapshot);
        send(reading("m1", 13));
        harness.processWatermark(13 * MINUTE);

        // reading 12 waited in state; the window of 10 and the whitening (4 vectors) were restored
        assertThat(records()).extracting(DataRecord::getId).containsExactly("m1-720000", "m1-780000");
        // previous current temperatures 59, 60, 61 -> mean 60, population std sqrt(2/3); now 62
        assertThat(records().get(0).getFeaturesMap().get("temperature_c_z"))
                .isCloseTo(2 / Math.sqrt(2.0 / 3), within(1e-9));
    }

    @Test
    void aMachineCannotGrowItsWindowBeyondTheCap() throws Exception {
        open(null);
        int sent = MachineFeatureNode.MAX_WINDOW_READINGS + 5;
        for (int i = 0; i < sent; i++) {
            // 10 ms apart: every reading is within the 10-minute window of the last one.
            send(reading("m1", 0).toBuilder()
                    .setTimestampMillis(1_000L + i * 10L)
                    .build());
        }
        harness.processWatermark(1_000L + sent * 10L);

        assertThat(counter(MachineFeatureNode.WINDOW_FULL_METRIC)).isEqualTo(5);
        assertThat(deadLetters())
                .hasSize(5)
                .allSatisfy(letter -> assertThat(letter.getReason()).contains("already holds 3600 readings"));
        // The window keeps its cap: each refused reading was the one past it.
        assertThat(records()).hasSizeLessThanOrEqualTo(MachineFeatureNode.MAX_WINDOW_READINGS);
    }
}
