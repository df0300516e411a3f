package dev.modelserving.deploy.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Measures how fast a job worked through a backlog from what it wrote: the output topic (one partition) of a broker
 * whose topics use {@code LogAppendTime}, so every record carries the time the broker appended it. The rate is the
 * number of output records over the time between the first measured one and the last one; nothing runs in the
 * benchmark's JVM besides the job and the broker while it works (the output is read afterwards).
 *
 * <p>The first {@code warmUpFraction} of a run's output is its warm-up, left out of the rate and of the CPU time:
 * every run is a new job in the same JVM, and while its first records pass, the JIT compilers are still compiling
 * (and recompiling what the previous job's types made them compile otherwise) on the same cores. A job that serves
 * for days runs at its steady state; the measured part of a run is nearer to it.
 */
final class BacklogMeter {

    /**
     * What a run wrote.
     *
     * @param total output records read
     * @param skipped records before the first counted one (e.g. NO_MODEL results before the model became current)
     * @param warmUp records before the first measured one: the skipped ones, and the counted ones of the warm-up
     * @param counted records from the first measured one (the first counted one after the warm-up) to the end
     * @param uncountedAfterFirst records after the first measured one that the predicate rejected (failures)
     * @param windowMillis append time of the last record minus that of the first measured one
     */
    record Window(long total, long skipped, long warmUp, long counted, long uncountedAfterFirst, long windowMillis) {

        double recordsPerSecond() {
            return windowMillis <= 0 ? Double.NaN : counted * 1000.0 / windowMillis;
        }
    }

    private final String bootstrapServers;
    private final double warmUpFraction;

    /** A meter that measures all of each run (no warm-up part). */
    BacklogMeter(String bootstrapServers) {
        this(bootstrapServers, 0);
    }

    /** @param warmUpFraction the share of each run's output that is its warm-up, in [0, 1) */
    BacklogMeter(String bootstrapServers, double warmUpFraction) {
        if (!(warmUpFraction >= 0 && warmUpFraction < 1)) {
            throw new IllegalArgumentException("the warm-up fraction must be in [0, 1), not " + warmUpFraction);
        }
        this.bootstrapServers = bootstrapServers;
        this.warmUpFraction = warmUpFraction;
    }

    /** How many of {@code expected} output records are the warm-up. */
    private long warmUpRecords(long expected) {
        return (long) Math.floor(expected * warmUpFraction);
    }

    /**
     * The CPU time this JVM (the job, the broker, everything in it) used while a job wrote its output.
     *
     * @param records output records written between the two readings of the CPU clock
     * @param cpuNanos process CPU time between them, over every core
     * @param busiest the Java thread that used the most CPU time between them, and the JIT's compilation time
     */
    record CpuWindow(long records, long cpuNanos, ThreadCpu.Busiest busiest) {

        /** CPU time per output record in microseconds; NaN when no record was written in the window. */
        double cpuMicrosPerRecord() {
            return records <= 0 ? Double.NaN : cpuNanos / 1000.0 / records;
        }
    }

    /**
     * Waits until {@code topic} holds at least {@code expected} records, and measures the process CPU time (and the
     * busiest thread's) from the first poll that saw output past the warm-up to the poll that saw all of it (polls
     * every {@value #POLL_MILLIS} ms, so the job's start-up is not counted).
     *
     * @throws IllegalStateException when it does not within {@code timeout}
     */
    CpuWindow awaitRecords(String topic, long expected, Duration timeout) throws InterruptedException {
        TopicPartition partition = new TopicPartition(topic, 0);
        long deadline = System.nanoTime() + timeout.toNanos();
        long warmUp = warmUpRecords(expected);
        long firstSeen = -1;
        long cpuAtFirst = 0;
        ThreadCpu threadsAtFirst = null;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            long end = 0;
            while (System.nanoTime() < deadline) {
                end = consumer.endOffsets(List.of(partition)).get(partition);
                if (end > 0 && end >= warmUp && firstSeen < 0) {
                    firstSeen = end;
                    cpuAtFirst = processCpuNanos();
                    threadsAtFirst = ThreadCpu.now();
                }
                if (end >= expected) {
                    long cpuNanos = processCpuNanos() - cpuAtFirst;
                    return new CpuWindow(
                            expected - firstSeen, cpuNanos, ThreadCpu.now().since(threadsAtFirst));
                }
                Thread.sleep(POLL_MILLIS);
            }
            throw new IllegalStateException(
                    topic + " holds " + end + " records after " + timeout + ", expected " + expected);
        }
    }

    private static final long POLL_MILLIS = 20;

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * Reads the first {@code expected} records of {@code topic}; {@code counts} says which records count. The measured
     * window starts at the first counted record past the warm-up.
     */
    Window read(String topic, long expected, Predicate<byte[]> counts) {
        long warmUp = warmUpRecords(expected);
        Tally tally = new Tally();
        forFirst(topic, expected, record -> {
            long index = tally.total++;
            boolean counted = counts.test(record.value());
            if (tally.firstMeasured < 0) {
                if (!counted && index == tally.skipped) {
                    tally.skipped++; // still before the first counted one
                }
                if (counted && index >= warmUp) {
                    tally.firstMeasured = index;
                    tally.firstMeasuredAt = record.timestamp();
                }
            } else if (!counted) {
                tally.uncountedAfterFirst++;
            }
            tally.lastAt = record.timestamp();
        });
        long firstMeasured = tally.firstMeasured < 0 ? tally.total : tally.firstMeasured;
        return new Window(
                tally.total,
                tally.skipped,
                firstMeasured,
                tally.total - firstMeasured,
                tally.uncountedAfterFirst,
                tally.firstMeasured < 0 ? 0 : tally.lastAt - tally.firstMeasuredAt);
    }

    /** What {@link #read} counts while it reads. */
    private static final class Tally {
        long total;
        long skipped;
        long uncountedAfterFirst;
        long firstMeasured = -1;
        long firstMeasuredAt;
        long lastAt;
    }

    /**
     * Percentiles of a value of the first {@code expected} records of {@code topic} past the warm-up (e.g. how long
     * each result waited in its micro-batch), the records the rate is measured over; records for which {@code value}
     * gives NaN are left out.
     */
    Percentiles sample(String topic, long expected, ToDoubleFunction<byte[]> value) {
        long warmUp = warmUpRecords(expected);
        double[] values = new double[Math.toIntExact(expected - warmUp)];
        int[] seen = {0, 0}; // records read, values kept
        forFirst(topic, expected, record -> {
            if (seen[0]++ < warmUp) {
                return;
            }
            double v = value.applyAsDouble(record.value());
            if (!Double.isNaN(v)) {
                values[seen[1]++] = v;
            }
        });
        return Percentiles.of(java.util.Arrays.copyOf(values, seen[1]));
    }

    /** Hands the first {@code expected} records of {@code topic} (one partition) to {@code each}, in order. */
    private void forFirst(String topic, long expected, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        TopicPartition partition = new TopicPartition(topic, 0);
        long total = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (total < expected) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (total >= expected) {
                        break;
                    }
                    total++;
                    each.accept(record);
                }
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "bench-meter-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                "5000",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName()));
        return new KafkaConsumer<>(props);
    }
}
