package dev.modelserving.deploy.bench;

import dev.modelserving.job.KafkaServingIo;
import dev.modelserving.job.ServingJob;
import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.testkit.LoopbackFlink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.runtime.checkpoint.CheckpointStatsSnapshot;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One measurement of {@link SharedModelMemoryBench}, in a JVM of its own: a MiniCluster with ONE TaskManager of p
 * slots running the serving job (the job's own arguments, partitioned mode at parallelism p) against the bench's
 * broker. Talks to the bench over standard input and output (lines starting with {@value #TAG}; everything else on
 * standard output is log):
 * <ol>
 *   <li>prints {@code submitted <job id>} once the job is submitted;</li>
 *   <li>waits for {@code measure} on standard input (the bench saw p ACTIVATED events and SCORED results);</li>
 *   <li>checks through the cluster's REST API that EVERY subtask of the serving operator counted SCORED results,
 *       waits for a checkpoint completed after that, runs a full GC and reads the process's memory
 *       ({@link ProcessMemory});</li>
 *   <li>prints {@code result key=value ...}, cancels the job, stops the cluster and exits.</li>
 * </ol>
 * Usage: {@code SharedModelMemoryRun <slots> <serving job arguments...>}.
 */
public final class SharedModelMemoryRun {

    /** Prefix of the protocol lines on standard output. */
    static final String TAG = "@@memory-bench ";

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Pattern ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern VALUE = Pattern.compile("\"value\":\"([^\"]*)\"");

    private final MiniCluster cluster;
    private final JobID job;
    private final int slots;
    private final HttpClient http = HttpClient.newHttpClient();

    private SharedModelMemoryRun(MiniCluster cluster, JobID job, int slots) {
        this.cluster = cluster;
        this.job = job;
        this.slots = slots;
    }

    public static void main(String[] args) throws Exception {
        int slots = Integer.parseInt(args[0]);
        ServingJobConfig config = ServingJobConfig.fromArgs(Arrays.copyOfRange(args, 1, args.length));
        Configuration conf = LoopbackFlink.configuration();
        // the REST API's metrics are fetched from the TaskManager at this interval (default 10 s)
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(500));
        MiniClusterConfiguration clusterConfig = new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build();
        PrintStream out = System.out;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (MiniCluster cluster = new MiniCluster(clusterConfig)) {
            cluster.start();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(slots, conf);
            new ServingJob(config, new KafkaServingIo(config)).build(env);
            JobID job = cluster.submitJob(env.getStreamGraph())
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                    .getJobID();
            out.println(TAG + "submitted " + job);
            out.flush();
            String command = in.readLine();
            if (!"measure".equals(command)) {
                throw new IllegalStateException("expected 'measure' from the bench, got '" + command + "'");
            }
            SharedModelMemoryRun run = new SharedModelMemoryRun(cluster, job, slots);
            List<Long> scored = run.awaitScoredBySubtask();
            long checkpointBytes = run.awaitCheckpointAfterNow();
            ProcessMemory memory = ProcessMemory.measure(Duration.ofSeconds(30));
            out.println("Native Memory Tracking at the measurement:");
            out.println(ProcessMemory.nativeMemorySummary());
            out.println(TAG
                    + String.format(
                            Locale.ROOT,
                            "result rss=%d trimmedRss=%d peakRss=%d heapUsed=%d heapCommitted=%d nmtCommitted=%d"
                                    + " checkpointBytes=%d restarts=%d scoredBySubtask=%s",
                            memory.rssBytes(),
                            memory.trimmedRssBytes(),
                            memory.peakRssBytes(),
                            memory.heapUsedBytes(),
                            memory.heapCommittedBytes(),
                            memory.nmtCommittedBytes(),
                            checkpointBytes,
                            run.restarts(),
                            scored.stream().map(String::valueOf).collect(Collectors.joining(","))));
            out.flush();
            cluster.cancelJob(job).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        System.exit(0);
    }

    /** Waits until every subtask of the serving operator counted a SCORED result; returns the counts by subtask. */
    private List<Long> awaitScoredBySubtask() throws Exception {
        AccessExecutionJobVertex serving = null;
        for (AccessExecutionJobVertex vertex : graph().getAllVertices().values()) {
            if (vertex.getName().contains("model serving")) {
                serving = vertex;
            }
        }
        if (serving == null) {
            throw new IllegalStateException("the job has no model serving vertex");
        }
        if (serving.getParallelism() != slots) {
            throw new IllegalStateException(
                    "the serving vertex runs at parallelism " + serving.getParallelism() + ", not " + slots);
        }
        URI rest = cluster.getRestAddress().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        String base = rest + "/jobs/" + job + "/vertices/" + serving.getJobVertexId() + "/subtasks/";
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Long> counts = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            counts.clear();
            for (int subtask = 0; subtask < slots; subtask++) {
                counts.add(scored(base + subtask + "/metrics"));
            }
            if (counts.stream().allMatch(c -> c > 0)) {
                return counts;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("not every serving subtask scored records: " + counts);
    }

    /** The sum of the subtask's resultsScored counters (0 while the REST API has none yet). */
    private long scored(String metricsUrl) throws Exception {
        List<String> ids = new ArrayList<>();
        Matcher listed = ID.matcher(get(metricsUrl));
        while (listed.find()) {
            if (listed.group(1).endsWith(".resultsScored")) {
                ids.add(listed.group(1));
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        long sum = 0;
        Matcher values = VALUE.matcher(get(metricsUrl + "?get=" + String.join(",", ids)));
        while (values.find()) {
            sum += (long) Double.parseDouble(values.group(1));
        }
        return sum;
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** The full state size of the first checkpoint that completes after this call (the models are active now). */
    private long awaitCheckpointAfterNow() throws Exception {
        long after = latestCompleted() == null ? -1 : latestCompleted().getCheckpointId();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            CompletedCheckpointStats latest = latestCompleted();
            if (latest != null && latest.getCheckpointId() > after) {
                return latest.getStateSize();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no checkpoint completed within " + WAIT + " (is checkpointing enabled?)");
    }

    private CompletedCheckpointStats latestCompleted() throws Exception {
        CheckpointStatsSnapshot stats = graph().getCheckpointStatsSnapshot();
        return stats == null ? null : stats.getHistory().getLatestCompletedCheckpoint();
    }

    /** The highest execution attempt number of any task: 0 while no task restarted. */
    private int restarts() throws Exception {
        int restarts = 0;
        for (AccessExecutionVertex vertex : graph().getAllExecutionVertices()) {
            restarts = Math.max(restarts, vertex.getCurrentExecutionAttempt().getAttemptNumber());
        }
        return restarts;
    }

    private AccessExecutionGraph graph() throws Exception {
        return cluster.getExecutionGraph(job).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
