package dev.modelserving.job.speculative;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.config.JobOptions;
import org.junit.jupiter.api.Test;

class SpeculativeFlagsTest {

    @Test
    void speculativeModeWithItsDefaults() {
        ServingJobConfig config = ServingJobConfig.fromArgs("--mode", "speculative");
        assertThat(config.mode()).isEqualTo(ServingJobConfig.Mode.SPECULATIVE);
        assertThat(config.configTopic()).isEqualTo("speculative-config");
        assertThat(config.defaultDeadlineMs()).isEqualTo(ServingJobConfig.DEFAULT_SPECULATIVE_DEADLINE_MS);
        assertThat(JobOptions.help())
                .contains("--mode keyed|partitioned|speculative   (default: keyed)")
                .contains("--config-topic <string>   (default: speculative-config)")
                .contains("--default-deadline-ms <duration>   (default: 1000 ms)");
    }

    @Test
    void flagsAreChecked() {
        assertThat(ServingJobConfig.fromArgs(
                                "--mode", "speculative", "--config-topic", "cfg", "--default-deadline-ms", "250")
                        .defaultDeadlineMs())
                .isEqualTo(250);
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--default-deadline-ms", "0"))
                .hasMessageStartingWith("--default-deadline-ms '0' must be positive");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--mode", "speculative", "--config-topic", "results"))
                .hasMessageStartingWith("--config-topic topic 'results' is also an output topic");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--mode", "speculative", "--config-topic", "records"))
                .hasMessageStartingWith("--config-topic must differ from --data-topic");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--mode", "fast"))
                .hasMessageStartingWith("--mode 'fast' is not keyed|partitioned|speculative");
    }
}
