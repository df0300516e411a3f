package dev.modelserving.deploy.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory of this JVM process at one moment, after a full GC: what the kernel counts (resident set and its peak,
 * from {@code /proc/self/status}), what the Java heap holds, and what the JVM itself has committed as Native Memory
 * Tracking counts it (heap, metaspace, threads, code, GC, ...; -1 without {@code -XX:NativeMemoryTracking=summary}).
 * Memory that native libraries allocate themselves (ONNX Runtime's weights, TensorFlow's) is in the resident set
 * but not in NMT: {@link #untrackedBytes()} estimates it. Memory that the C allocator took from the kernel for
 * allocations already freed (the transient copies of a model load) stays resident until the allocator gives it back:
 * the resident set is read again after {@code jcmd System.trim_native_heap} (glibc's {@code malloc_trim}).
 *
 * @param rssBytes VmRSS: resident set now
 * @param trimmedRssBytes VmRSS after trimming the C heap (what live allocations hold), or -1 when trimming failed
 * @param peakRssBytes VmHWM: the highest resident set of the process so far
 * @param heapUsedBytes Java heap used after the GC
 * @param heapCommittedBytes Java heap committed
 * @param nmtCommittedBytes the JVM's own committed memory (NMT total), or -1
 */
record ProcessMemory(
        long rssBytes,
        long trimmedRssBytes,
        long peakRssBytes,
        long heapUsedBytes,
        long heapCommittedBytes,
        long nmtCommittedBytes) {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessMemory.class);
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern NMT_HEAP = Pattern.compile("Java Heap \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

    /**
     * Runs two full GCs and waits (at most {@code settle}) until G1 has given back the heap it shrank by (it uncommits
     * concurrently, after the GC: until then the regions a model load touched are still resident), then reads every
     * figure; trims the C heap last.
     */
    static ProcessMemory measure(Duration settle) throws IOException, InterruptedException {
        System.gc();
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long deadline = System.nanoTime() + settle.toNanos();
        String nmt = nativeMemorySummary();
        while (heapCommittedByNmt(nmt) > heap.getCommitted() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            nmt = nativeMemorySummary();
        }
        String status = Files.readString(Path.of("/proc/self/status"));
        Matcher total = NMT_TOTAL.matcher(nmt);
        long nmtCommitted = total.find() ? Long.parseLong(total.group(2)) * 1024 : -1L;
        long trimmed = diagnosticCommand("systemTrimNativeHeap").isPresent()
                ? kilobytes(Files.readString(Path.of("/proc/self/status")), "VmRSS") * 1024
                : -1;
        return new ProcessMemory(
                kilobytes(status, "VmRSS") * 1024,
                trimmed,
                kilobytes(status, "VmHWM") * 1024,
                heap.getUsed(),
                heap.getCommitted(),
                nmtCommitted);
    }

    /** NMT's committed Java heap (-1 without NMT). */
    private static long heapCommittedByNmt(String summary) {
        Matcher m = NMT_HEAP.matcher(summary);
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    /** Resident memory, after trimming, that the JVM does not track (native libraries' own allocations), or -1. */
    long untrackedBytes() {
        return nmtCommittedBytes < 0 || trimmedRssBytes < 0 ? -1 : trimmedRssBytes - nmtCommittedBytes;
    }

    /** NMT's summary by category (what {@code jcmd <pid> VM.native_memory summary} prints), for the log. */
    static String nativeMemorySummary() {
        return diagnosticCommand("vmNativeMemory", "summary").orElse("(no Native Memory Tracking)");
    }

    private static long kilobytes(String status, String field) {
        Matcher m = Pattern.compile("(?m)^" + field + ":\\s+(\\d+) kB").matcher(status);
        if (!m.find()) {
            throw new IllegalStateException("/proc/self/status has no " + field);
        }
        return Long.parseLong(m.group(1));
    }

    /** What a diagnostic command (as {@code jcmd} names it, camel-cased) prints; empty when it failed. */
    private static Optional<String> diagnosticCommand(String operation, String... arguments) {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            operation,
                            new Object[] {arguments},
                            new String[] {String[].class.getName()});
            return Optional.of(String.valueOf(out));
        } catch (JMException e) {
            LOG.warn("the diagnostic command {} failed (NMT needs -XX:NativeMemoryTracking=summary)", operation, e);
            return Optional.empty();
        }
    }
}
