package dev.modelserving.job.sensor.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.job.sensor.context.RpmMonitoringSettings;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.junit.jupiter.api.Test;

/**
 * The window-time checks both monitoring nodes make (their harness tests cover the contexts on the broadcast input),
 * and the metrics the shared helper registers for a node.
 */
class MonitoringContextsTest {

    private static final long MAX = RpmMonitoringSettings.MAX_WINDOW_MILLIS;

    @Test
    void aTimeIsWindowableWhileAnyAllowedWindowAroundItFitsInALong() {
        assertThat(MonitoringContexts.windowable(0)).isTrue();
        assertThat(MonitoringContexts.windowable(Long.MAX_VALUE - MAX)).isTrue();
        assertThat(MonitoringContexts.windowable(Long.MAX_VALUE - MAX + 1)).isFalse();
        assertThat(MonitoringContexts.windowable(Long.MIN_VALUE + MAX)).isTrue();
        assertThat(MonitoringContexts.windowable(Long.MIN_VALUE + MAX - 1)).isFalse();
        assertThat(MonitoringContexts.windowable(Long.MAX_VALUE)).isFalse();
        assertThat(MonitoringContexts.windowable(Long.MIN_VALUE)).isFalse();
    }

    @Test
    void aWindowHoldsItsStartButNotItsEndAndClosesWhenTimeReachesItsLastMillisecond() {
        assertThat(MonitoringContexts.contains(60_000, 120_000, 59_999)).isFalse();
        assertThat(MonitoringContexts.contains(60_000, 120_000, 60_000)).isTrue();
        assertThat(MonitoringContexts.contains(60_000, 120_000, 119_999)).isTrue();
        assertThat(MonitoringContexts.contains(60_000, 120_000, 120_000)).isFalse();
        assertThat(MonitoringContexts.closedAt(120_000, 119_998)).isFalse();
        assertThat(MonitoringContexts.closedAt(120_000, 119_999)).isTrue();
        assertThat(MonitoringContexts.closedAt(120_000, 120_000)).isTrue();
    }

    @Test
    void registersTheRefusedAndTheNodesWithoutMachineMetrics() {
        InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
        new MonitoringContexts(metrics, RpmMonitoring.WITHOUT_MACHINE_METRIC, RpmMonitoring.class);
        assertThat(metrics.get(RpmMonitoring.MACHINES_REFUSED_METRIC)).isInstanceOf(Counter.class);
        assertThat(metrics.get(RpmMonitoring.WITHOUT_MACHINE_METRIC)).isInstanceOf(Counter.class);
        assertThat(OverTemperatureMonitoring.MACHINES_REFUSED_METRIC).isEqualTo("machinesRefused");
    }
}
