package dev.modelserving.deploy.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the scripts of {@code deploy/cluster} for a test, with their own work directory, free ports on 127.0.0.1 and the
 * test's classpath for the project's tools (so they work before {@code deploy} is packaged).
 */
final class ClusterScripts {

    private final Path scriptDir;
    private final Path home;
    private final Map<String, String> environment = new HashMap<>();

    ClusterScripts(Path scriptDir, Path home, Path jobJar) throws IOException {
        this.scriptDir = scriptDir;
        this.home = home;
        environment.put("CLUSTER_HOME", home.toString());
        environment.put("JOB_JAR", jobJar.toString());
        environment.put("MODELSERVING_CLASSPATH", System.getProperty("java.class.path"));
        environment.put("KAFKA_PORT", Integer.toString(freePort()));
        environment.put("KAFKA_CONTROLLER_PORT", Integer.toString(freePort()));
        environment.put("FLINK_REST_PORT", Integer.toString(freePort()));
        environment.put("FLINK_RPC_PORT", Integer.toString(freePort()));
    }

    String bootstrapServer() {
        return "127.0.0.1:" + environment.get("KAFKA_PORT");
    }

    String restUrl() {
        return "http://127.0.0.1:" + environment.get("FLINK_REST_PORT");
    }

    Path home() {
        return home;
    }

    /**
     * Runs a script to its end and returns its standard output.
     *
     * @throws AssertionError with the script's output when it fails or runs longer than {@code timeout}
     */
    String run(Duration timeout, String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("bash");
        command.add(scriptDir.resolve(script).toString());
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(script + " did not finish within " + timeout + "; stderr: " + stderr.getNow(""));
        }
        String out = stdout.join();
        if (process.exitValue() != 0) {
            throw new AssertionError(script + " " + String.join(" ", args) + " failed (exit " + process.exitValue()
                    + "):\n" + out + stderr.join());
        }
        return out;
    }

    /** The last line a script printed (the job id, the savepoint path). */
    static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    /** The pids in the work directory's pid files. */
    List<Long> pids() throws IOException {
        Path run = home.resolve("run");
        if (!Files.isDirectory(run)) {
            return List.of();
        }
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> files = Files.list(run)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                pids.add(Long.parseLong(Files.readString(file).strip()));
            }
        }
        return pids;
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
