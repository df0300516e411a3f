package dev.modelserving.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The defaults the job sets on its environment, each only when the submitter configured nothing else:
 * <ul>
 *   <li>the restart strategy: exponential delay capped at 2 s when it checkpoints, whatever the submitter configured
 *       otherwise, and Flink's default (no restart) without checkpointing;</li>
 *   <li>object reuse: on, unless {@code pipeline.object-reuse} is set.</li>
 * </ul>
 */
class ServingJobDefaultsTest {

    @Test
    void aCheckpointingJobWithoutAConfiguredStrategyRestartsWithExponentialDelayCappedAtFiveSeconds() {
        Configuration job = built(new Configuration(), "--checkpoint-interval-ms", "1000");

        assertThat(job.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
        assertThat(job.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(job.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEqualTo(Duration.ofSeconds(ServingJob.RESTART_MAX_BACKOFF_SECONDS))
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(job.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER))
                .isEqualTo(2.0);
        assertThat(job.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD))
                .isEqualTo(Duration.ofMinutes(1));
        assertThat(job.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_JITTER_FACTOR))
                .isEqualTo(0.1);
    }

    @Test
    void aStrategyTheSubmitterConfiguredIsKept() {
        Configuration submitted = new Configuration();
        submitted.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        submitted.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(3));

        Configuration job = built(submitted, "--checkpoint-interval-ms", "1000");

        assertThat(job.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("fixed-delay");
        assertThat(job.get(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY))
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(job.getOptional(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
                .isEmpty();
    }

    @Test
    void withoutCheckpointingTheJobSetsNoStrategy() {
        Configuration job = built(new Configuration(), "--checkpoint-interval-ms", "0");

        assertThat(job.getOptional(RestartStrategyOptions.RESTART_STRATEGY)).isEmpty();
    }

    @Test
    void objectReuseIsOnByDefault() {
        assertThat(environment(new Configuration()).getConfig().isObjectReuseEnabled())
                .isTrue();
    }

    @Test
    void objectReuseTheSubmitterTurnedOffStaysOff() {
        Configuration submitted = new Configuration();
        submitted.set(PipelineOptions.OBJECT_REUSE, false);

        assertThat(environment(submitted).getConfig().isObjectReuseEnabled()).isFalse();
    }

    /** The environment's configuration after the job was built on it. */
    private static Configuration built(Configuration submitted, String... flags) {
        return (Configuration) environment(submitted, flags).getConfiguration();
    }

    /** The environment after the job was built on it. */
    private static StreamExecutionEnvironment environment(Configuration submitted, String... flags) {
        String[] args = new String[flags.length + 2];
        args[0] = "--bootstrap-servers";
        args[1] = "127.0.0.1:9";
        System.arraycopy(flags, 0, args, 2, flags.length);
        ServingJobConfig config = ServingJobConfig.fromArgs(args);
        StreamExecutionEnvironment env = new StreamExecutionEnvironment(submitted);
        new ServingJob(config, new KafkaServingIo(config)).build(env);
        return env;
    }
}
