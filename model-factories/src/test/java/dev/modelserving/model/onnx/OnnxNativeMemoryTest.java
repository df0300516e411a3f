package dev.modelserving.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.serving.ModelLoads;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded memory checks, never timing thresholds: loading, scoring and closing ONNX models over and over must not
 * grow the process's resident memory (VmRSS). The workload runs in a child JVM ({@link OnnxMemoryProbe}) with a
 * fixed, pre-touched heap: in this JVM the Java heap alone moves VmRSS by ±100 MB and would hide leaks.
 *
 * <p>Measured with this setup: a healthy run grows by a few MB; a session left open per cycle adds ~100 MB over
 * 900 cycles; a run result left open per record ~160 MB over 280,000 records, an input tensor ~70 MB.
 */
class OnnxNativeMemoryTest {

    private static final long MAX_GROWTH_KB = 32 * 1024;
    private static final Pattern FIGURES = Pattern.compile("rss-after-warm-up-kb=(\\d+) rss-at-end-kb=(\\d+)");

    @Test
    @EnabledOnOs(OS.LINUX)
    void thousandCreateScoreCloseCyclesDoNotGrowResidentMemory(@TempDir Path directory) throws Exception {
        assertBoundedGrowth("cycles", 1_000, 100, directory.resolve("probe.out"));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void scoringManyRecordsWithOneModelDoesNotGrowResidentMemory(@TempDir Path directory) throws Exception {
        assertBoundedGrowth("records", 300_000, 20_000, directory.resolve("probe.out"));
    }

    private static void assertBoundedGrowth(String workload, int total, int warmUp, Path outputFile) throws Exception {
        String output = runProbe(workload, total, warmUp, outputFile);
        Matcher figures = FIGURES.matcher(output);
        assertThat(figures.find()).as("probe output: %s", output).isTrue();
        long afterWarmUp = Long.parseLong(figures.group(1));
        long atEnd = Long.parseLong(figures.group(2));
        long growth = atEnd - afterWarmUp;
        System.out.printf(
                "ONNX %s: VmRSS after %d warm-up iterations %d kB, after %d iterations %d kB, growth %d kB%n",
                workload, warmUp, afterWarmUp, total, atEnd, growth);
        assertThat(growth)
                .as(
                        "VmRSS growth over %d '%s' iterations (after warm-up %d kB, at end %d kB)",
                        total - warmUp, workload, afterWarmUp, atEnd)
                .isLessThan(MAX_GROWTH_KB);
    }

    private static String runProbe(String workload, int total, int warmUp, Path outputFile)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> command = List.of(
                java,
                "-Xms96m",
                "-Xmx96m",
                "-XX:+AlwaysPreTouch",
                "-XX:+UseSerialGC",
                // As the job's load threads have (ModelLoads.LOAD_THREAD_STACK_BYTES): the launcher's main thread
                // keeps less of its 1 MiB the longer the class path is, and ONNX Runtime's first session creation
                // overflowed it (SIGSEGV, no output) once the class path grew.
                "-Xss" + (ModelLoads.LOAD_THREAD_STACK_BYTES >> 20) + "m",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                "-cp",
                classPath,
                OnnxMemoryProbe.class.getName(),
                workload,
                Integer.toString(total),
                Integer.toString(warmUp));
        Process probe = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(outputFile.toFile())
                .start();
        // A guard against a hung child, not a performance threshold.
        boolean finished = probe.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            probe.destroyForcibly();
        }
        String output = Files.readString(outputFile, StandardCharsets.UTF_8);
        assertThat(finished)
                .as("the memory probe finished; output so far: %s", output)
                .isTrue();
        assertThat(probe.exitValue()).as("probe exit code; output: %s", output).isZero();
        return output;
    }
}
