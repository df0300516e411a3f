package dev.modelserving.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.drift.DriftSettings;
import org.junit.jupiter.api.Test;

/** {@code --drift-threshold} and {@code --drift-window-records}. */
class DriftFlagsTest {

    @Test
    void defaultsAndValuesReachTheSettings() {
        assertThat(ServingJobConfig.fromArgs().driftSettings()).isEqualTo(DriftSettings.defaults());
        ServingJobConfig config =
                ServingJobConfig.fromArgs("--drift-threshold", "0.35", "--drift-window-records", "500");
        assertThat(config.driftSettings()).isEqualTo(new DriftSettings(0.35, 500));
        assertThat(config.toString()).contains("drift-threshold=0.35", "drift-window-records=500");
    }

    @Test
    void nonsenseIsRefusedNamingTheFlag() {
        for (String bad : new String[] {"0", "-1", "NaN", "Infinity", "abc"}) {
            assertThatThrownBy(() -> ServingJobConfig.fromArgs("--drift-threshold", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--drift-threshold");
        }
        for (String bad : new String[] {"0", "-5", "x"}) {
            assertThatThrownBy(() -> ServingJobConfig.fromArgs("--drift-window-records", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--drift-window-records");
        }
    }
}
