package dev.modelserving.job.sensor.monitoring;

import static dev.modelserving.job.sensor.monitoring.MonitoringHarness.press;
import static dev.modelserving.job.sensor.monitoring.MonitoringHarness.rpmConfig;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.PredictedTemperature;
import dev.modelserving.proto.SystemAlert;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The over-temperature node: machine m-1 is too hot above 85 C; windows of one minute. */
class OverTemperatureMonitoringHarnessTest {

    private static final long MINUTE = 60_000;

    private KeyedBroadcastOperatorTestHarness<String, PredictedTemperature, ContextUpdate, SystemAlert> harness;

    @BeforeEach
    void open() throws Exception {
        harness = MonitoringHarness.open(new OverTemperatureMonitoring(), PredictedTemperature::getMachineId, null);
        harness.processBroadcastElement(press("m-1"), 0);
        harness.processBroadcastElement(rpmConfig(0.2, 2, MINUTE), 0);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void alertsOncePerWindowAboveTheAlertTemperature() throws Exception {
        predict("m-1", 1_000, 85.0); // exactly at it: no alert
        predict("m-1", 2_000, 70.0);
        assertThat(harness.extractOutputValues()).isEmpty();
        predict("m-1", 3_000, 85.5);
        assertThat(harness.extractOutputValues()).singleElement().satisfies(alert -> {
            assertThat(alert.getMachineId()).isEqualTo("m-1");
            assertThat(alert.getKind()).isEqualTo(SystemAlert.Kind.OVER_TEMPERATURE);
            assertThat(alert.getWindowStartMillis()).isEqualTo(0);
            assertThat(alert.getWindowEndMillis()).isEqualTo(MINUTE);
            assertThat(alert.getCount()).isEqualTo(1);
            assertThat(alert.getThreshold()).isEqualTo(85.0);
            assertThat(alert.getRaisedAtMillis()).isEqualTo(3_000);
            assertThat(alert.getReason())
                    .contains("model m v7")
                    .contains("85.50 C")
                    .contains("85.00 C");
        });
        predict("m-1", 4_000, 99.0); // same window: deduplicated
        predict("m-1", 59_999, 99.0);
        assertThat(harness.extractOutputValues()).hasSize(1);
        predict("m-1", 60_000, 90.0); // next window
        assertThat(harness.extractOutputValues())
                .hasSize(2)
                .last()
                .satisfies(alert -> assertThat(alert.getWindowStartMillis()).isEqualTo(MINUTE));
    }

    @Test
    void machinesWithoutPropertiesAndNonFinitePredictionsDoNotAlert() throws Exception {
        predict("m-2", 1_000, 500.0);
        predict("m-1", 1_000, Double.NaN);
        predict("m-1", 1_000, Double.POSITIVE_INFINITY);
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    @Test
    void theAlertTemperatureComesFromTheLatestProperties() throws Exception {
        predict("m-1", 1_000, 80.0);
        harness.processBroadcastElement(
                ContextUpdate.newBuilder()
                        .setMachineProperties(
                                press("m-1").getMachineProperties().toBuilder().setAlertTemperatureC(75))
                        .build(),
                0);
        predict("m-1", 2_000, 80.0);
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(alert -> assertThat(alert.getThreshold()).isEqualTo(75.0));
    }

    @Test
    void alertedWindowsSurviveARestore() throws Exception {
        predict("m-1", 1_000, 90.0);
        assertThat(harness.extractOutputValues()).hasSize(1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();
        harness = MonitoringHarness.open(new OverTemperatureMonitoring(), PredictedTemperature::getMachineId, snapshot);
        predict("m-1", 2_000, 90.0);
        assertThat(harness.extractOutputValues())
                .as("same window, alerted before the restore")
                .isEmpty();
        predict("m-1", 61_000, 90.0);
        assertThat(harness.extractOutputValues()).hasSize(1);
    }

    @Test
    void keepsABoundedNumberOfAlertedWindows() throws Exception {
        for (int window = 0; window < OverTemperatureMonitoring.MAX_ALERTED_WINDOWS + 5; window++) {
            predict("m-1", window * MINUTE, 90.0);
        }
        assertThat(harness.extractOutputValues()).hasSize(OverTemperatureMonitoring.MAX_ALERTED_WINDOWS + 5);
        // The oldest windows were forgotten: a prediction in them alerts again; the kept ones do not.
        predict("m-1", 5 * MINUTE + 1, 90.0);
        assertThat(harness.extractOutputValues()).hasSize(OverTemperatureMonitoring.MAX_ALERTED_WINDOWS + 5);
        predict("m-1", 1, 90.0);
        assertThat(harness.extractOutputValues()).hasSize(OverTemperatureMonitoring.MAX_ALERTED_WINDOWS + 6);
    }

    private void predict(String machine, long time, double temperature) throws Exception {
        harness.processElement(
                PredictedTemperature.newBuilder()
                        .setMachineId(machine)
                        .setTimestampMillis(time)
                        .setPredictedTemperatureC(temperature)
                        .setModelName("m")
                        .setModelVersion(7)
                        .build(),
                time);
    }
}
