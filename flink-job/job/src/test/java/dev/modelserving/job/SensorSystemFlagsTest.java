package dev.modelserving.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code --sensor-system} and its topics. */
class SensorSystemFlagsTest {

    @Test
    void offByDefaultWithDefaultTopics() {
        ServingJobConfig config = ServingJobConfig.fromArgs();
        assertThat(config.sensorSystem()).isFalse();
        assertThat(config.machinePropertiesTopic()).isEqualTo("machine-properties");
        assertThat(config.rpmConfigTopic()).isEqualTo("rpm-monitoring-config");
        assertThat(config.alertsTopic()).isEqualTo("system-alerts");
    }

    @Test
    void onWithSensorReadingsAndOwnTopics() {
        ServingJobConfig config = ServingJobConfig.fromArgs(
                "--data-format",
                "sensor-reading",
                "--sensor-system",
                "--machine-properties-topic",
                "mp",
                "--rpm-config-topic",
                "rc",
                "--alerts-topic",
                "al");
        assertThat(config.sensorSystem()).isTrue();
        assertThat(config.machinePropertiesTopic()).isEqualTo("mp");
        assertThat(config.rpmConfigTopic()).isEqualTo("rc");
        assertThat(config.alertsTopic()).isEqualTo("al");
        assertThat(config.toString()).contains("sensor-system=true", "machine-properties-topic=mp", "alerts-topic=al");
    }

    @Test
    void needsSensorReadings() {
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--sensor-system"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--sensor-system needs --data-format sensor-reading");
    }

    @Test
    void topicsMustDifferFromEachOtherAndTheJobsOtherTopics() {
        assertThatThrownBy(() -> ServingJobConfig.fromArgs(
                        "--data-format", "sensor-reading", "--sensor-system", "--alerts-topic", "results"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must differ");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs(
                        "--data-format",
                        "sensor-reading",
                        "--sensor-system",
                        "--rpm-config-topic",
                        "machine-properties"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must differ");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--alerts-topic", "bad topic"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--alerts-topic");
    }
}
