package dev.modelserving.job.speculative;

import dev.modelserving.job.KafkaServingIo;
import dev.modelserving.job.ServingJob;
import dev.modelserving.job.ServingJobConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The job in speculative mode on the test's MiniCluster, built as {@link ServingJob#main} builds it. */
final class SpeculativeJobRun implements AutoCloseable {

    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(60);

    private final JobClient client;

    private SpeculativeJobRun(JobClient client) {
        this.client = client;
    }

    static SpeculativeJobRun start(ServingJobConfig config, String savepointPath) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // any Kryo fallback fails the job
        if (savepointPath != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepointPath);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        new ServingJob(config, new KafkaServingIo(config)).build(env);
        try {
            return new SpeculativeJobRun(env.executeAsync(ServingJob.jobName(config)));
        } catch (Exception e) {
            throw new IllegalStateException("submitting " + ServingJob.jobName(config) + " failed", e);
        }
    }

    /** Stops with a savepoint (no drain) and waits for the job to end; the savepoint's path. */
    String stopWithSavepoint(Path directory) {
        String path = await(client.stopWithSavepoint(false, directory.toUri().toString(),
                SavepointFormatType.CANONICAL), "stop-with-savepoint");
        await(client.getJobExecutionResult(), "the end of the job after its savepoint");
        return path;
    }

    @Override
    public void close() {
        if (!await(client.getJobStatus(), "the job status").isGloballyTerminalState()) {
            await(client.cancel(), "cancelling the job");
        }
    }

    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not complete within " + CONTROL_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }
}
