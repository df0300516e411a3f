package dev.modelserving.job.sensor.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.proto.RpmMonitoringConfig;
import org.junit.jupiter.api.Test;

class RpmMonitoringSettingsTest {

    @Test
    void unsetFieldsTakeTheDefaults() {
        assertThat(RpmMonitoringSettings.of(RpmMonitoringConfig.getDefaultInstance()))
                .isEqualTo(new RpmMonitoringSettings(0.2, 2, 600_000));
        assertThat(RpmMonitoringSettings.of(RpmMonitoringConfig.newBuilder()
                        .setAcceptableDeviationsPerWindow(0)
                        .build()))
                .isEqualTo(new RpmMonitoringSettings(0.2, 0, 600_000));
        assertThat(RpmMonitoringSettings.of(RpmMonitoringConfig.newBuilder()
                        .setAcceptableDeviationRatio(0.5)
                        .setWindowMillis(60_000)
                        .build()))
                .isEqualTo(new RpmMonitoringSettings(0.5, 2, 60_000));
    }

    @Test
    void exactlyAtTheRatioDoesNotDeviate() {
        RpmMonitoringSettings settings = RpmMonitoringSettings.DEFAULTS;
        // |1000 - 1200| / 1000 = 0.2: at the ratio, not above it.
        assertThat(settings.deviates(1000, 1200)).isFalse();
        assertThat(settings.deviates(999, 1200)).isTrue(); // 201 / 999 > 0.2
        assertThat(settings.deviates(1440, 1200)).isFalse(); // 240 / 1440 = 0.1667
        assertThat(settings.deviates(1500, 1200)).isFalse(); // 300 / 1500 = 0.2
        assertThat(settings.deviates(1501, 1200)).isTrue(); // 301 / 1501 > 0.2
        assertThat(settings.deviates(1400, 1200)).isFalse(); // 200 / 1400 = 0.143
        assertThat(settings.deviates(900, 1200)).isTrue(); // 300 / 900 = 0.333
    }

    @Test
    void aStoppedFanAlwaysDeviates() {
        assertThat(RpmMonitoringSettings.DEFAULTS.deviates(0, 1200)).isTrue();
        assertThat(RpmMonitoringSettings.DEFAULTS.deviates(0, 0)).isTrue();
        assertThat(RpmMonitoringSettings.DEFAULTS.deviates(-5, 1200)).isTrue();
    }

    @Test
    void windowsAreAlignedToTheEpoch() {
        RpmMonitoringSettings settings = new RpmMonitoringSettings(0.2, 2, 60_000);
        assertThat(settings.windowStart(0)).isEqualTo(0);
        assertThat(settings.windowStart(59_999)).isEqualTo(0);
        assertThat(settings.windowStart(60_000)).isEqualTo(60_000);
        assertThat(settings.windowStart(-1)).isEqualTo(-60_000);
    }
}
