package dev.modelserving.deploy.cluster;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.proto.SensorReading;
import dev.modelserving.proto.ServingResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures when a serving job answers fresh input again (used by {@code deploy/cluster/measure-recovery.sh} after it
 * killed a TaskManager): sends a probe {@code SensorReading} of machine {@value #PROBE_MACHINE} every
 * {@code --interval-ms} to the records topic, starting at once, and waits for the first result of any probe, as a
 * consumer that reads uncommitted data sees it (the job processes again) and as a {@code read_committed} consumer sees
 * it (an exactly-once job's checkpoint committed it). Every probe is sent after the process started, so a result for
 * one is a result of the recovered job, never one written before the failure. Prints one line of epoch milliseconds:
 * {@code probe_start=... first_result_uncommitted=... first_result_committed=...}; exits 1 when no result arrives in
 * time.
 */
@Command(
        name = "recovery-probe",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Sends probe readings until the serving job answers one; prints when (epoch ms).")
public final class RecoveryProbe implements Callable<Integer> {

    /** Machine id of the probe readings; their results have record ids {@code recovery-probe-<timestamp>}. */
    public static final String PROBE_MACHINE = "recovery-probe";

    @Option(names = "--bootstrap-server", required = true, paramLabel = "HOST:PORT", description = "Kafka brokers.")
    private String bootstrapServer;

    @Option(
            names = "--records-topic",
            defaultValue = "records",
            description = "Topic the job reads sensor readings from (default ${DEFAULT-VALUE}).")
    private String recordsTopic;

    @Option(
            names = "--results-topic",
            defaultValue = "results",
            description = "Topic the job writes results to (default ${DEFAULT-VALUE}).")
    private String resultsTopic;

    @Option(names = "--interval-ms", defaultValue = "200", description = "Between probes (default ${DEFAULT-VALUE}).")
    private long intervalMs;

    @Option(
            names = "--timeout-seconds",
            defaultValue = "180",
            description = "Give up after this long (default ${DEFAULT-VALUE}).")
    private long timeoutSeconds;

    public static void main(String[] args) {
        System.exit(new CommandLine(new RecoveryProbe()).execute(args));
    }

    @Override
    public Integer call() {
        long start = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long firstUncommitted = 0;
        long firstCommitted = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer();
                KafkaConsumer<byte[], byte[]> uncommitted = consumerAtEnd("read_uncommitted");
                KafkaConsumer<byte[], byte[]> committed = consumerAtEnd("read_committed")) {
            long nextProbe = System.nanoTime();
            while (firstUncommitted == 0 || firstCommitted == 0) {
                if (System.nanoTime() > deadline) {
                    System.err.println("recovery-probe: no result for a probe within " + timeoutSeconds + " s"
                            + " (uncommitted: " + (firstUncommitted == 0 ? "none" : "seen")
                            + ", committed: " + (firstCommitted == 0 ? "none" : "seen") + ")");
                    return 1;
                }
                if (System.nanoTime() >= nextProbe) {
                    if (start == 0) {
                        start = System.currentTimeMillis();
                    }
                    sendProbe(producer);
                    nextProbe = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMs);
                }
                if (firstUncommitted == 0 && probeAnswered(uncommitted)) {
                    firstUncommitted = System.currentTimeMillis();
                }
                if (firstCommitted == 0 && probeAnswered(committed)) {
                    firstCommitted = System.currentTimeMillis();
                }
            }
        }
        System.out.println("probe_start=" + start + " first_result_uncommitted=" + firstUncommitted
                + " first_result_committed=" + firstCommitted);
        return 0;
    }

    private void sendProbe(KafkaProducer<byte[], byte[]> producer) {
        long now = System.currentTimeMillis();
        SensorReading probe = SensorReading.newBuilder()
                .setMachineId(PROBE_MACHINE)
                .setTimestampMillis(now)
                .setTemperatureC(60.0)
                .setFanRpm(1500.0)
                .setLoadPercent(50.0)
                .build();
        producer.send(
                new ProducerRecord<>(recordsTopic, PROBE_MACHINE.getBytes(StandardCharsets.UTF_8), probe.toByteArray()),
                (metadata, error) -> {
                    if (error != null) {
                        System.err.println("recovery-probe: sending a probe failed: " + error);
                    }
                });
    }

    private boolean probeAnswered(KafkaConsumer<byte[], byte[]> consumer) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(25))) {
            try {
                if (ServingResult.parseFrom(record.value()).getRecordId().startsWith(PROBE_MACHINE + "-")) {
                    return true;
                }
            } catch (InvalidProtocolBufferException e) {
                System.err.println("recovery-probe: not a ServingResult at " + record.topic() + "-" + record.partition()
                        + "@" + record.offset() + ": " + e.getMessage());
            }
        }
        return false;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<byte[], byte[]> consumerAtEnd(String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServer);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(resultsTopic).stream()
                .map(info -> new TopicPartition(resultsTopic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolves the end offsets now, before any probe is answered
        return consumer;
    }
}
