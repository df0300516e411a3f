package dev.modelserving.deploy.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU time of every Java thread of this JVM, and the JIT compilers' total compilation time, at one instant: two
 * of them tell which thread was busiest in between (the bottleneck of a pipelined job: a thread busy most of a core
 * cannot go faster however idle the others are) and how much the JIT compiled meanwhile (warm-up that competes with
 * the job for the cores).
 */
final class ThreadCpu {

    /**
     * What happened between two snapshots.
     *
     * @param busiestThread the name of the Java thread that used the most CPU time
     * @param busiestCpuNanos its CPU time
     * @param wallNanos the wall-clock time between the snapshots
     * @param jitMillis the JIT compilers' compilation time meanwhile (-1 when the JVM does not report it)
     */
    record Busiest(String busiestThread, long busiestCpuNanos, long wallNanos, long jitMillis) {

        /** The busiest thread's CPU time as a share of one core over the window, in percent. */
        double percentOfACore() {
            return wallNanos <= 0 ? Double.NaN : 100.0 * busiestCpuNanos / wallNanos;
        }

        /**
         * The thread's name up to its first chained operator (Flink names a task after its whole chain), without the
         * {@code |} that Kafka puts in its producers' thread names (a column separator in the suite's table).
         */
        String shortName() {
            int chain = busiestThread.indexOf(" -> ");
            String name = chain > 0 ? busiestThread.substring(0, chain) : busiestThread;
            return name.replace(" | ", " ").replace('|', ' ');
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final long atNanos;
    private final Map<Long, Long> cpuNanosByThread;
    private final Map<Long, String> names;
    private final long jitMillis;

    private ThreadCpu(long atNanos, Map<Long, Long> cpuNanosByThread, Map<Long, String> names, long jitMillis) {
        this.atNanos = atNanos;
        this.cpuNanosByThread = cpuNanosByThread;
        this.names = names;
        this.jitMillis = jitMillis;
    }

    /** A snapshot of now. */
    static ThreadCpu now() {
        long at = System.nanoTime();
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        if (THREADS.isThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled()) {
            for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds(), 0)) {
                if (info == null) {
                    continue; // ended between the two calls
                }
                long nanos = THREADS.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    cpu.put(info.getThreadId(), nanos);
                    names.put(info.getThreadId(), info.getThreadName());
                }
            }
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long jitMillis = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
        return new ThreadCpu(at, cpu, names, jitMillis);
    }

    /**
     * The busiest Java thread between {@code earlier} and this snapshot; a thread that started in between counts from
     * zero, one that ended in between is left out.
     */
    Busiest since(ThreadCpu earlier) {
        long busiestId = -1;
        long busiestNanos = 0;
        for (Map.Entry<Long, Long> e : cpuNanosByThread.entrySet()) {
            long used = e.getValue() - earlier.cpuNanosByThread.getOrDefault(e.getKey(), 0L);
            if (used > busiestNanos) {
                busiestNanos = used;
                busiestId = e.getKey();
            }
        }
        return new Busiest(
                busiestId < 0 ? "none" : names.get(busiestId),
                busiestNanos,
                atNanos - earlier.atNanos,
                jitMillis < 0 || earlier.jitMillis < 0 ? -1 : jitMillis - earlier.jitMillis);
    }
}
