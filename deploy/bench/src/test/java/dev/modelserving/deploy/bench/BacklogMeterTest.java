package dev.modelserving.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The meter's window on a real broker: skipped records, the warm-up, and what is measured after it. */
class BacklogMeterTest {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaBroker(Map.of("log.message.timestamp.type", "LogAppendTime")).start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /**
     * 3 records that do not count ("no"), then 97 that do ("yes") except one failure ("no") at index 60. The writer
     * pauses after record 10 and after record 49, longer than the meter's poll interval, so a poll sees the topic at
     * each of those two points.
     */
    private static void writeOutput(String topic) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 100; i++) {
                String value = i < 3 || i == 60 ? "no" : "yes";
                producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8)))
                        .get();
                if (i == 10 || i == 49) {
                    Thread.sleep(200); // what the meter sees meanwhile is the point of the test, not a synchronisation
                }
            }
        }
    }

    private static boolean yes(byte[] value) {
        return new String(value, StandardCharsets.UTF_8).equals("yes");
    }

    @Test
    void withoutWarmUpTheWindowStartsAtTheFirstCountedRecord() throws Exception {
        broker.createTopics(1, "whole");
        writeOutput("whole");
        BacklogMeter meter = new BacklogMeter(broker.bootstrapServers());

        BacklogMeter.CpuWindow cpu = meter.awaitRecords("whole", 100, Duration.ofSeconds(30));
        BacklogMeter.Window window = meter.read("whole", 100, BacklogMeterTest::yes);

        assertThat(cpu.records()).isBetween(0L, 99L);
        assertThat(window.total()).isEqualTo(100);
        assertThat(window.skipped()).isEqualTo(3);
        assertThat(window.warmUp()).isEqualTo(3);
        assertThat(window.counted()).isEqualTo(97);
        assertThat(window.uncountedAfterFirst()).isEqualTo(1);
        assertThat(window.windowMillis())
                .as("both pauses are inside the window")
                .isGreaterThanOrEqualTo(400);
    }

    @Test
    void theWarmUpIsLeftOutAndTheWindowStartsAtTheFirstCountedRecordAfterIt() throws Exception {
        broker.createTopics(1, "warm");
        BacklogMeter meter = new BacklogMeter(broker.bootstrapServers(), 0.5);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            // The meter watches the output while it is written: a poll during the pause after record 10 must not
            // start the CPU window, one during the pause after record 49 or later must.
            Future<?> written = writer.submit(() -> {
                writeOutput("warm");
                return null;
            });
            BacklogMeter.CpuWindow cpu = meter.awaitRecords("warm", 100, Duration.ofSeconds(30));
            written.get();

            assertThat(cpu.records()).as("CPU is counted only past the warm-up").isBetween(0L, 50L);
            assertThat(cpu.busiest().busiestThread()).isNotBlank();
        } finally {
            writer.shutdownNow();
        }
        BacklogMeter.Window window = meter.read("warm", 100, BacklogMeterTest::yes);

        assertThat(window.skipped()).isEqualTo(3);
        assertThat(window.warmUp()).isEqualTo(50);
        assertThat(window.counted()).isEqualTo(50);
        assertThat(window.uncountedAfterFirst())
                .as("the failure at index 60 is inside the window")
                .isEqualTo(1);
        assertThat(window.recordsPerSecond()).isPositive();
        // The batch-wait percentiles cover the same records: the 49 "yes" from index 50 on, not the warm-up's.
        assertThat(meter.sample("warm", 100, value -> yes(value) ? 1 : Double.NaN)
                        .count())
                .isEqualTo(49);
    }

    @Test
    void aWarmUpFractionOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> new BacklogMeter("localhost:1", 1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BacklogMeter("localhost:1", Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
