package dev.modelserving.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
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

    /** 3 records that do not count ("no"), then 97 that do ("yes") except one failure ("no") at index 60. */
    private static void writeOutput(String topic) throws Exception {
        broker.createTopics(1, topic);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 100; i++) {
                String value = i < 3 || i == 60 ? "no" : "yes";
                producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8)))
                        .get();
                if (i == 49) {
                    Thread.sleep(50); // the second half is appended at least 50 ms after the first half
                }
            }
        }
    }

    private static boolean yes(byte[] value) {
        return new String(value, StandardCharsets.UTF_8).equals("yes");
    }

    @Test
    void withoutWarmUpTheWindowStartsAtTheFirstCountedRecord() throws Exception {
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
        assertThat(window.windowMillis()).isGreaterThanOrEqualTo(50);
    }

    @Test
    void theWarmUpIsLeftOutAndTheWindowStartsAtTheFirstCountedRecordAfterIt() throws Exception {
        writeOutput("warm");
        BacklogMeter meter = new BacklogMeter(broker.bootstrapServers(), 0.5);

        BacklogMeter.CpuWindow cpu = meter.awaitRecords("warm", 100, Duration.ofSeconds(30));
        BacklogMeter.Window window = meter.read("warm", 100, BacklogMeterTest::yes);

        assertThat(cpu.records()).as("CPU is counted only past the warm-up").isBetween(0L, 50L);
        assertThat(cpu.busiest().busiestThread()).isNotBlank();
        assertThat(window.skipped()).isEqualTo(3);
        assertThat(window.warmUp()).isEqualTo(50);
        assertThat(window.counted()).isEqualTo(50);
        assertThat(window.uncountedAfterFirst())
                .as("the failure at index 60 is inside the window")
                .isEqualTo(1);
        assertThat(window.recordsPerSecond()).isPositive();
    }

    @Test
    void aWarmUpFractionOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> new BacklogMeter("localhost:1", 1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BacklogMeter("localhost:1", Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
