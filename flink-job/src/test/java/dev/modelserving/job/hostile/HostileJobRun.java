package dev.modelserving.job.hostile;

import dev.modelserving.job.KafkaServingIo;
import dev.modelserving.job.ServingJob;
import dev.modelserving.job.ServingJobConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The serving job, built as {@link ServingJob#main} builds it with Kafka IO, running on the test's MiniCluster, and
 * what its execution graph says about failures. Closing cancels it unless it already ended.
 */
final class HostileJobRun implements AutoCloseable {

    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(60);

    private final JobClient client;
    private final MiniCluster cluster;

    private HostileJobRun(JobClient client, MiniCluster cluster) {
        this.client = client;
        this.cluster = cluster;
    }

    /** Submits the job to {@code cluster} (the context environment the MiniClusterExtension installed). */
    static HostileJobRun start(ServingJobConfig config, MiniCluster cluster) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // any Kryo fallback fails the job
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        new ServingJob(config, new KafkaServingIo(config)).build(env);
        try {
            return new HostileJobRun(env.executeAsync(ServingJob.jobName(config)), cluster);
        } catch (Exception e) {
            throw new IllegalStateException("submitting " + ServingJob.jobName(config) + " failed", e);
        }
    }

    JobID jobId() {
        return client.getJobID();
    }

    JobStatus status() {
        return await(client.getJobStatus(), "the status of job " + jobId());
    }

    /**
     * How often the job restarted so far: the highest execution attempt number of any of its tasks (0 while every
     * task still runs its first attempt; each restart of a failover region or of the whole job raises it by one).
     * Read from the JobMaster's execution graph, not from a metric that is fetched periodically.
     */
    int restarts() {
        int restarts = 0;
        for (AccessExecutionVertex vertex : graph().getAllExecutionVertices()) {
            restarts = Math.max(restarts, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return restarts;
    }

    /** The last failure the job saw, with its stack trace, or "none". */
    String lastFailure() {
        ErrorInfo failure = graph().getFailureInfo();
        return failure == null ? "none" : failure.getExceptionAsString();
    }

    /** How the job restarts after a failure, as Flink describes its restart strategy. */
    String restartStrategy() {
        return graph().getArchivedExecutionConfig().getRestartStrategyDescription();
    }

    /** A description for assertion messages: status, restarts and the last failure. */
    String describe() {
        return "job " + jobId() + " " + status() + ", " + restarts() + " restart(s), last failure: " + lastFailure();
    }

    private AccessExecutionGraph graph() {
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
