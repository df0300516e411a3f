package dev.modelserving.job.it;

import dev.modelserving.job.KafkaServingIo;
import dev.modelserving.job.ServingJob;
import dev.modelserving.job.ServingJobConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The serving job running asynchronously on the test's MiniCluster (the context environment a
 * {@code MiniClusterExtension} installs), built exactly as {@link ServingJob#main} builds it, with Kafka IO.
 * Closing cancels it unless it already ended. Started with the {@link MiniCluster} it runs on, it also tells what the
 * JobMaster's execution graph says about failures and restarts.
 */
public final class ServingJobRun implements AutoCloseable {

    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(60);

    private final JobClient client;
    /** The cluster the job runs on, for its execution graph; null when not given. */
    private final MiniCluster cluster;

    private ServingJobRun(JobClient client, MiniCluster cluster) {
        this.client = client;
        this.cluster = cluster;
    }

    /** Submits the job with fresh state. */
    public static ServingJobRun start(ServingJobConfig config) {
        return submit(config, null, null);
    }

    /**
     * Submits the job with fresh state to {@code cluster} (the context environment its MiniClusterExtension
     * installed), so {@link #restarts()}, {@link #lastFailure()}, {@link #restartStrategy()} and {@link #describe()}
     * can read its execution graph.
     */
    public static ServingJobRun start(ServingJobConfig config, MiniCluster cluster) {
        return submit(config, null, cluster);
    }

    /** Submits the job restored from a savepoint (or retained checkpoint) at {@code savepointPath}. */
    public static ServingJobRun restore(ServingJobConfig config, String savepointPath) {
        return submit(config, savepointPath, null);
    }

    private static ServingJobRun submit(ServingJobConfig config, String savepointPath, MiniCluster cluster) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // any Kryo fallback fails the job
        if (savepointPath != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepointPath);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        new ServingJob(config, new KafkaServingIo(config)).build(env);
        try {
            return new ServingJobRun(env.executeAsync(ServingJob.jobName(config)), cluster);
        } catch (Exception e) {
            throw new IllegalStateException("submitting " + ServingJob.jobName(config) + " failed", e);
        }
    }

    public JobID jobId() {
        return client.getJobID();
    }

    public JobStatus status() {
        return await(client.getJobStatus(), "the status of job " + jobId());
    }

    /**
     * Stops the job with a savepoint in {@code directory} (sources stop at the savepoint; no end-of-input is
     * signalled) and waits until the job has ended.
     *
     * @return the savepoint's path
     */
    public String stopWithSavepoint(Path directory) {
        String path = await(
                client.stopWithSavepoint(false, directory.toUri().toString(), SavepointFormatType.CANONICAL),
                "stop-with-savepoint of job " + jobId());
        await(client.getJobExecutionResult(), "the end of job " + jobId() + " after its savepoint");
        return path;
    }

    /**
     * Waits until the job has ended and returns why it failed.
     *
     * @throws IllegalStateException when it ended without failing, or did not end within the control timeout
     */
    public Throwable awaitFailure() {
        try {
            client.getJobExecutionResult().get(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new IllegalStateException("job " + jobId() + " did not end within " + CONTROL_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for job " + jobId(), e);
        }
        throw new IllegalStateException("job " + jobId() + " ended without failing");
    }

    /**
     * How often the job restarted so far: the highest execution attempt number of any of its tasks (0 while every
     * task still runs its first attempt; each restart of a failover region or of the whole job raises it by one).
     * Read from the JobMaster's execution graph, not from a metric that is fetched periodically.
     */
    public int restarts() {
        int restarts = 0;
        for (AccessExecutionVertex vertex : graph().getAllExecutionVertices()) {
            restarts = Math.max(restarts, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return restarts;
    }

    /** The last failure the job saw, with its stack trace, or "none". */
    public String lastFailure() {
        ErrorInfo failure = graph().getFailureInfo();
        return failure == null ? "none" : failure.getExceptionAsString();
    }

    /** How the job restarts after a failure, as Flink describes its restart strategy. */
    public String restartStrategy() {
        return graph().getArchivedExecutionConfig().getRestartStrategyDescription();
    }

    /** A description for assertion messages: status, restarts and the last failure. */
    public String describe() {
        return "job " + jobId() + " " + status() + ", " + restarts() + " restart(s), last failure: " + lastFailure();
    }

    private AccessExecutionGraph graph() {
        if (cluster == null) {
            throw new IllegalStateException("job " + jobId() + " was started without its MiniCluster");
        }
        return await(cluster.getExecutionGraph(jobId()), "the execution graph of job " + jobId());
    }

    @Override
    public void close() {
        if (!status().isGloballyTerminalState()) {
            await(client.cancel(), "cancelling job " + jobId());
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
