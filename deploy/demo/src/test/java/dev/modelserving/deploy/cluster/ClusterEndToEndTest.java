package dev.modelserving.deploy.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.deploy.cli.ModelCli;
import dev.modelserving.deploy.samples.SampleModels;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole deployment, for real: a Kafka broker process, a standalone Flink session cluster (JobManager and
 * TaskManager processes) started by the scripts of {@code deploy/cluster}, the shaded job jar submitted through the
 * REST API with signatures required, sample models signed and published with {@code modelctl publish --sign-key},
 * sensor readings streamed by a feed process.
 * Checks that results carry v1, then v2 after it is published, that a killed TaskManager's job comes back with v2,
 * and that the job stopped with a savepoint and resubmitted from it still serves v2 without republishing. Every
 * process started is stopped at the end, also when a step fails.
 *
 * <p>Needs the shaded job jar ({@code flink-job/target/flink-job-*-job.jar}): {@code ./mvnw verify} builds it before
 * this module's tests; in a {@code test}-only run without it, the test is skipped.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ClusterEndToEndTest {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration RESULTS_TIMEOUT = Duration.ofSeconds(90);
    private static final String MODEL = SampleModels.TEMPERATURE_FORECAST;

    @Test
    void servesPublishedModelsAcrossTaskManagerLossAndSavepointResubmission() throws Exception {
        Path repo = repositoryRoot();
        Optional<Path> jobJar = jobJar(repo);
        Assumptions.assumeTrue(
                jobJar.isPresent(),
                "no flink-job/target/flink-job-*-job.jar: the cluster test needs"
                        + " the shaded job jar, built by `./mvnw -B -ntp verify` (or package) before deploy's tests");
        Assumptions.assumeTrue(onPath("curl"), "the cluster scripts need curl");

        Path home = repo.resolve("deploy/demo/target/cluster-e2e");
        deleteRecursively(home);
        ClusterScripts scripts = new ClusterScripts(repo.resolve("deploy/cluster"), home, jobJar.get());
        Thread stopOnExit = new Thread(() -> stopAll(scripts), "stop-cluster-processes");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        boolean passed = false;
        try {
            runScenario(scripts);
            passed = true;
        } finally {
            List<Long> started = scripts.pids();
            stopAll(scripts);
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
            assertThat(started)
                    .as("processes started by the scripts")
                    .isNotEmpty()
                    .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                            .as("process %d after stop-all.sh", pid)
                            .isEmpty());
            if (passed) {
                for (String bulky : List.of("blobs", "web-upload", "tmp", "checkpoints", "savepoints", "kafka")) {
                    deleteRecursively(home.resolve(bulky)); // keep the logs and configuration for a look
                }
            }
        }
    }

    private void runScenario(ClusterScripts scripts) throws Exception {
        String[] jobFlags = {
            "--",
            "--bootstrap-servers",
            scripts.bootstrapServer(),
            "--data-format",
            "sensor-reading",
            "--sensor-system",
            "--checkpoint-interval-ms",
            "1000",
            "--group-id",
            "cluster-e2e"
        };
        scripts.run(SCRIPT_TIMEOUT, "start-kafka.sh");
        scripts.run(SCRIPT_TIMEOUT, "start-cluster.sh");
        String jobId = ClusterScripts.lastLine(scripts.run(SCRIPT_TIMEOUT, "submit-rest.sh", jobFlags));
        assertThat(jobId).matches("[0-9a-f]{32}");
        scripts.run(SCRIPT_TIMEOUT, "start-sensors.sh", "--rate", "50");

        Path samples = scripts.home().resolve("samples");
        modelctl("samples", "--out", samples.toString());
        Path v1 = samples.resolve(MODEL + "-v1.descriptor.pb");
        Path v2 = samples.resolve(MODEL + "-v2.descriptor.pb");

        // The submit script required signatures with the policy and key trust-init.sh made.
        String key = scripts.home().resolve("trust/publisher.pem").toString();
        assertThat(scripts.home().resolve("trust/trust-policy.txtpb")).exists();
        try (ResultsTopic results = new ResultsTopic(scripts.bootstrapServer(), "results")) {
            assertThat(modelctl(
                            "publish",
                            "--bootstrap-server",
                            scripts.bootstrapServer(),
                            "--sign-key",
                            key,
                            "--publisher",
                            "local-publisher",
                            v1.toString()))
                    .contains("published " + MODEL + " v1")
                    .contains("signed by local-publisher");
            results.readUntil(r -> isScoredBy(r, 1), RESULTS_TIMEOUT, "result scored by v1");

            modelctl(
                    "publish",
                    "--bootstrap-server",
                    scripts.bootstrapServer(),
                    "--sign-key",
                    key,
                    "--publisher",
                    "local-publisher",
                    v2.toString());
            results.readUntil(r -> isScoredBy(r, 2), RESULTS_TIMEOUT, "result scored by v2");

            // A crashed TaskManager: the job restarts from its last checkpoint once slots are back.
            scripts.run(SCRIPT_TIMEOUT, "stop-taskmanager.sh", "--kill");
            scripts.run(SCRIPT_TIMEOUT, "start-taskmanager.sh");
            results.skipToEnd();
            assertAllScoredByV2(results.readAtLeast(30, RESULTS_TIMEOUT, "30 results after the TaskManager restart"));

            // Stop with a savepoint, resubmit from it: the models come back from the savepoint, not from the topic.
            String savepoint = ClusterScripts.lastLine(scripts.run(SCRIPT_TIMEOUT, "savepoint-stop.sh", jobId));
            assertThat(savepoint).startsWith("file:").contains("savepoint-");
            results.skipToEnd();
            String resumed = ClusterScripts.lastLine(
                    scripts.run(SCRIPT_TIMEOUT, "submit-rest.sh", prepend(new String[] {"-s", savepoint}, jobFlags)));
            assertThat(resumed).matches("[0-9a-f]{32}").isNotEqualTo(jobId);
            assertAllScoredByV2(results.readAtLeast(30, RESULTS_TIMEOUT, "30 results of the resumed job"));
        }
    }

    private static boolean isScoredBy(ServingResult result, long version) {
        return result.getStatus() == ServingStatus.SCORED
                && result.getModelName().equals(MODEL)
                && result.getModelVersion() == version;
    }

    private static void assertAllScoredByV2(List<ServingResult> results) {
        assertThat(results).allSatisfy(r -> {
            assertThat(r.getStatus()).as("status of %s", r.getRecordId()).isEqualTo(ServingStatus.SCORED);
            assertThat(r.getModelName()).isEqualTo(MODEL);
            assertThat(r.getModelVersion())
                    .as("model version of %s", r.getRecordId())
                    .isEqualTo(2);
            assertThat(r.getOutputsList()).hasSize(1);
        });
    }

    /** Runs {@code modelctl} in this JVM, as {@code deploy/bin/modelctl} would; fails on a non-zero exit. */
    private static String modelctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var commandLine = ModelCli.commandLine(new ModelCli());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exit = commandLine.execute(args);
        assertThat(exit).as("modelctl %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private static void stopAll(ClusterScripts scripts) {
        try {
            scripts.run(SCRIPT_TIMEOUT, "stop-all.sh");
        } catch (IOException e) {
            throw new UncheckedIOException("stop-all.sh did not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the cluster", e);
        }
    }

    private static String[] prepend(String[] first, String[] rest) {
        return Stream.concat(Stream.of(first), Stream.of(rest)).toArray(String[]::new);
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("deploy/cluster"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(
                    "no deploy/cluster above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    private static Optional<Path> jobJar(Path repo) throws IOException {
        Path target = repo.resolve("flink-job/job/target");
        if (!Files.isDirectory(target)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("flink-job-.*-job\\.jar"))
                    .findFirst();
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
