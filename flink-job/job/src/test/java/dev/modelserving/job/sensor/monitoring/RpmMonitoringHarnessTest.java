package dev.modelserving.job.sensor.monitoring;

import static dev.modelserving.job.sensor.monitoring.MonitoringHarness.press;
import static dev.modelserving.job.sensor.monitoring.MonitoringHarness.removed;
import static dev.modelserving.job.sensor.monitoring.MonitoringHarness.rpmConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.SensorReading;
import dev.modelserving.proto.SystemAlert;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rpm monitoring node with hand-computed expectations. Curve of every machine: 30 C: 800, 60 C: 1600, 90 C: 2600
 * rpm, so at 45 C the expected speed is 1200 rpm; with ratio 0.2 a reading at 45 C deviates below 1000 rpm
 * (|1000 - 1200| / 1000 = 0.2 exactly does not) and above 1500 rpm (300 / 1500 = 0.2 exactly does not).
 */
class RpmMonitoringHarnessTest {

    private static final long MINUTE = 60_000;

    private KeyedBroadcastOperatorTestHarness<String, SensorReading, ContextUpdate, SystemAlert> harness;

    @BeforeEach
    void open() throws Exception {
        harness = MonitoringHarness.open(new RpmMonitoring(), SensorReading::getMachineId, null);
        harness.processBroadcastElement(press("m-1"), 0);
        harness.processBroadcastElement(rpmConfig(0.2, 2, MINUTE), 0);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void alertsExactlyTheWindowsWithMoreDeviationsThanAllowed() throws Exception {
        // Window [0, 60000): 4 of 6 deviate.
        reading("m-1", 1_000, 45, 1200); // on the curve
        reading("m-1", 2_000, 45, 1000); // exactly at the ratio: does not deviate
        reading("m-1", 3_000, 45, 900); // 300 / 900 = 0.33: deviates (1)
        reading("m-1", 4_000, 60, 1200); // curve 1600: 400 / 1200 = 0.33: deviates (2)
        reading("m-1", 5_000, 90, 0); // stopped fan: deviates (3)
        reading("m-1", 6_000, 20, 500); // below the curve: 800; 300 / 500 = 0.6: deviates (4)
        // Window [60000, 120000): 2 deviate, as many as allowed: no alert.
        reading("m-1", 61_000, 45, 900);
        reading("m-1", 62_000, 45, 2000); // 800 / 2000 = 0.4
        reading("m-1", 63_000, 75, 2100); // curve 2100: on it
        // Window [120000, 180000): 3 deviate.
        reading("m-1", 121_000, 45, 900);
        reading("m-1", 122_000, 45, 900);
        reading("m-1", 179_999, 45, 900);
        // Machine m-2 has no properties: its faulty readings alert nothing.
        reading("m-2", 1_000, 45, 0);
        reading("m-2", 2_000, 45, 0);
        reading("m-2", 3_000, 45, 0);

        harness.processWatermark(59_998);
        assertThat(harness.extractOutputValues())
                .as("window [0, 60000) still open")
                .isEmpty();
        harness.processWatermark(59_999);
        assertThat(harness.extractOutputValues()).singleElement().satisfies(alert -> {
            assertThat(alert.getMachineId()).isEqualTo("m-1");
            assertThat(alert.getKind()).isEqualTo(SystemAlert.Kind.RPM_DEVIATION);
            assertThat(alert.getWindowStartMillis()).isEqualTo(0);
            assertThat(alert.getWindowEndMillis()).isEqualTo(MINUTE);
            assertThat(alert.getCount()).isEqualTo(4);
            assertThat(alert.getThreshold()).isEqualTo(2.0);
            assertThat(alert.getReason())
                    .contains("4 of 6 readings")
                    .contains("> 0.2")
                    .contains("at most 2");
            assertThat(alert.getRaisedAtMillis()).isEqualTo(MINUTE);
        });
        harness.processWatermark(200_000);
        assertThat(harness.extractOutputValues())
                .extracting(SystemAlert::getMachineId, SystemAlert::getWindowStartMillis, SystemAlert::getCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("m-1", 0L, 4L),
                        org.assertj.core.groups.Tuple.tuple("m-1", 120_000L, 3L));
    }

    @Test
    void readingsExactlyAtTheRatioNeverDeviate() throws Exception {
        harness.processBroadcastElement(rpmConfig(0.2, 0, MINUTE), 0);
        reading("m-1", 1_000, 45, 1000); // 200 / 1000 = 0.2
        reading("m-1", 2_000, 45, 1500); // 300 / 1500 = 0.2
        reading("m-1", 3_000, 30, 1000); // 200 / 1000 = 0.2 (curve 800)
        harness.processWatermark(MINUTE);
        assertThat(harness.extractOutputValues()).isEmpty();
        reading("m-1", 61_000, 45, 999); // 201 / 999 > 0.2
        harness.processWatermark(2 * MINUTE);
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(alert -> assertThat(alert.getCount()).isEqualTo(1));
    }

    @Test
    void aWindowAlertsOnceAndLateReadingsAreDropped() throws Exception {
        deviating("m-1", 1_000, 2_000, 3_000);
        harness.processWatermark(MINUTE);
        assertThat(harness.extractOutputValues()).hasSize(1);
        // Late: their window closed already. Neither a second alert for [0, 60000) nor a new window.
        deviating("m-1", 4_000, 5_000, 6_000, 7_000);
        harness.processWatermark(10 * MINUTE);
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.numEventTimeTimers()).isZero();
    }

    @Test
    void outOfOrderReadingsOfAnOpenWindowCount() throws Exception {
        deviating("m-1", 50_000);
        harness.processWatermark(40_000);
        deviating("m-1", 10_000, 20_000); // behind the watermark, but their window is open
        harness.processWatermark(MINUTE);
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(alert -> assertThat(alert.getCount()).isEqualTo(3));
    }

    @Test
    void aConfigChangeAppliesToWindowsClosingAfterIt() throws Exception {
        deviating("m-1", 1_000, 2_000, 3_000); // 3 > 2: would alert
        harness.processBroadcastElement(rpmConfig(0.2, 3, MINUTE), 0); // now 3 are allowed
        harness.processWatermark(MINUTE);
        assertThat(harness.extractOutputValues())
                .as("allowed count read at the window's close")
                .isEmpty();

        // A stricter ratio judges readings processed after it: 1100 rpm at 45 C is 100 / 1100 = 0.09 off.
        harness.processBroadcastElement(rpmConfig(0.05, 0, MINUTE), 0);
        reading("m-1", 61_000, 45, 1100);
        harness.processWatermark(2 * MINUTE);
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(alert -> assertThat(alert.getWindowStartMillis()).isEqualTo(MINUTE));

        // A longer window applies to windows opened after the change.
        harness.processBroadcastElement(rpmConfig(0.2, 0, 10 * MINUTE), 0);
        deviating("m-1", 2 * MINUTE + 1); // window [0, 600000)
        harness.processWatermark(5 * MINUTE);
        assertThat(harness.extractOutputValues()).hasSize(1);
        harness.processWatermark(10 * MINUTE);
        assertThat(harness.extractOutputValues()).hasSize(2).last().satisfies(alert -> {
            assertThat(alert.getWindowStartMillis()).isEqualTo(0);
            assertThat(alert.getWindowEndMillis()).isEqualTo(10 * MINUTE);
        });
    }

    @Test
    void anOpenWindowKeepsItsBoundsWhenTheLengthChanges() throws Exception {
        deviating("m-1", 1_000, 2_000, 3_000); // window [0, 60000)
        harness.processBroadcastElement(rpmConfig(0.2, 2, 10 * MINUTE), 0);
        deviating("m-1", 4_000); // joins the open window [0, 60000)
        harness.processWatermark(MINUTE);
        assertThat(harness.extractOutputValues()).singleElement().satisfies(alert -> {
            assertThat(alert.getWindowEndMillis()).isEqualTo(MINUTE);
            assertThat(alert.getCount()).isEqualTo(4);
        });
    }

    @Test
    void aRemovedMachineIsNoLongerJudged() throws Exception {
        harness.processBroadcastElement(removed("m-1"), 0);
        deviating("m-1", 1_000, 2_000, 3_000, 4_000);
        harness.processWatermark(MINUTE);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.processBroadcastElement(press("m-1"), 0);
        deviating("m-1", 61_000, 62_000, 63_000);
        harness.processWatermark(2 * MINUTE);
        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    @Test
    void unusableReadingsAreSkipped() throws Exception {
        reading("m-1", 1_000, Double.NaN, 0);
        reading("m-1", 2_000, 45, Double.NaN);
        reading("m-1", 3_000, 45, Double.POSITIVE_INFINITY);
        reading("m-1", Long.MAX_VALUE - 1, 45, 0);
        harness.processBroadcastElement(rpmConfig(0.2, 0, MINUTE), 0);
        harness.processWatermark(Long.MAX_VALUE - 1);
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void contextsAndOpenWindowCountsSurviveARestore() throws Exception {
        deviating("m-1", 1_000, 2_000);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = MonitoringHarness.open(new RpmMonitoring(), SensorReading::getMachineId, snapshot);
        deviating("m-1", 3_000); // the third in the window: 3 > 2 only with the restored count
        harness.processWatermark(MINUTE);
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(alert -> assertThat(alert.getCount()).isEqualTo(3));
    }

    private void deviating(String machine, long... times) throws Exception {
        for (long time : times) {
            reading(machine, time, 45, 0);
        }
    }

    private void reading(String machine, long time, double temperature, double rpm) throws Exception {
        harness.processElement(
                SensorReading.newBuilder()
                        .setMachineId(machine)
                        .setTimestampMillis(time)
                        .setTemperatureC(temperature)
                        .setFanRpm(rpm)
                        .build(),
                time);
    }
}
