package dev.modelserving.deploy.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.SensorReading;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sensor HTTP API served for real, polled by the ingestion, published to a real (in-process) broker. */
class SensorIngestionTest {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaBroker().start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void timestampsInTheApiFormatAreParsedStrictlyInUtc() {
        Instant instant = Instant.parse("2026-11-30T07:46:12.345Z");
        assertThat(ApiTimestamps.format(instant)).isEqualTo("30.11.2026 07:46:12.345");
        assertThat(ApiTimestamps.parse("30.11.2026 07:46:12.345")).isEqualTo(instant);
        for (String bad : List.of("31.02.2026 10:00:00.000", "30.11.2026 24:00:00.000", "2026-11-30T07:46:12Z", "")) {
            assertThat(EventParser.parse(new com.fasterxml.jackson.databind.ObjectMapper()
                            .valueToTree(new SensorEvent("m-1", bad, 1.0, 2.0, 3.0))))
                    .as(bad)
                    .isInstanceOf(EventParser.Unusable.class);
        }
    }

    @Test
    void readingsArriveOnceWithTheirTimestampsAndBadEventsBecomeDeadLetters() throws Exception {
        String records = "records-" + UUID.randomUUID();
        String deadLetters = "dead-letters-" + UUID.randomUUID();
        broker.createTopics(1, records, deadLetters);
        EventLog log = new EventLog(1000);
        List<SensorReading> sent = new ArrayList<>();
        Instant start = Instant.parse("2026-11-30T07:46:12.345Z");
        for (int i = 0; i < 3; i++) {
            sent.add(reading("machine-0" + i, start.plusMillis(1001L * i), 60 + i));
        }
        sent.forEach(r -> log.append(SensorEvent.of(r)));
        // Position 3: a timestamp that names no real day; position 4: no fan speed.
        log.append(new SensorEvent("machine-09", "31.02.2026 07:46:12.345", 70.0, 1500.0, 20.0));
        log.append(new SensorEvent("machine-09", "30.11.2026 07:46:20.000", 70.0, null, 20.0));

        ByteArrayOutputStream notices = new ByteArrayOutputStream();
        try (SensorApi api = SensorApi.start(log, 0);
                SensorIngestion ingestion = ingestion(api.readingsUrl(), records, deadLetters, notices)) {
            assertThat(ingestion.pollOnce()).isEqualTo(5);
            assertThat(ingestion.cursor()).isEqualTo(5);
            assertThat(ingestion.pollOnce()).isZero(); // nothing new: nothing published again
            for (int i = 3; i < 6; i++) {
                SensorReading later = reading("machine-0" + i, start.plusSeconds(60 + i), 50 + i);
                sent.add(later);
                log.append(SensorEvent.of(later));
            }
            assertThat(ingestion.pollOnce()).isEqualTo(3);
            assertThat(ingestion.pollOnce()).isZero();
            assertThat(ingestion.readings()).isEqualTo(6);
            assertThat(ingestion.deadLetters()).isEqualTo(2);
        }

        List<ConsumerRecord<String, byte[]>> published = readAll(records, 6);
        assertThat(published).hasSize(6);
        List<SensorReading> readings = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : published) {
            SensorReading reading = SensorReading.parseFrom(record.value());
            assertThat(record.key()).isEqualTo(reading.getMachineId());
            readings.add(reading);
        }
        assertThat(readings).containsExactlyElementsOf(sent);
        assertThat(readings.get(0).getTimestampMillis()).isEqualTo(start.toEpochMilli());
        assertThat(readings.get(2).getTimestampMillis()).isEqualTo(start.toEpochMilli() + 2002);

        List<ConsumerRecord<String, byte[]>> letters = readAll(deadLetters, 2);
        assertThat(letters).hasSize(2);
        DeadLetter badTime = DeadLetter.parseFrom(letters.get(0).value());
        DeadLetter noRpm = DeadLetter.parseFrom(letters.get(1).value());
        assertThat(badTime.getReason())
                .startsWith("field 'time' '31.02.2026 07:46:12.345' is not a time in the format dd.MM.yyyy"
                        + " HH:mm:ss.SSS (UTC)");
        assertThat(badTime.getSourceOffset()).isEqualTo(3);
        assertThat(badTime.getSourceTopic()).endsWith("/readings");
        assertThat(badTime.getPayload().toStringUtf8()).contains("\"time\":\"31.02.2026 07:46:12.345\"");
        assertThat(noRpm.getReason()).isEqualTo("missing field 'fan_rpm'");
        assertThat(noRpm.getSourceOffset()).isEqualTo(4);
        assertThat(notices.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void anAnswerThatIsNotJsonIsOneDeadLetterAndTheCursorStays() throws Exception {
        String records = "records-" + UUID.randomUUID();
        String deadLetters = "dead-letters-" + UUID.randomUUID();
        broker.createTopics(1, records, deadLetters);
        HttpServer broken = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = "{\"from\": 0, \"cursor\": 3, \"events\": [".getBytes(StandardCharsets.UTF_8);
        broken.createContext("/readings", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        broken.start();
        ByteArrayOutputStream notices = new ByteArrayOutputStream();
        try (SensorIngestion ingestion = ingestion(
                URI.create("http://127.0.0.1:" + broken.getAddress().getPort() + "/readings"),
                records,
                deadLetters,
                notices)) {
            assertThat(ingestion.pollOnce()).isZero();
            assertThat(ingestion.pollOnce()).isZero();
            assertThat(ingestion.cursor()).isZero();
            assertThat(ingestion.deadLetters()).isEqualTo(1);
        } finally {
            broken.stop(0);
        }
        List<ConsumerRecord<String, byte[]>> letters = readAll(deadLetters, 1);
        assertThat(letters).hasSize(1);
        DeadLetter letter = DeadLetter.parseFrom(letters.get(0).value());
        assertThat(letter.getReason()).startsWith("unreadable answer from the sensor API: not JSON");
        assertThat(letter.getPayload().toByteArray()).isEqualTo(body);
        assertThat(readAll(records, 0)).isEmpty();
    }

    @Test
    void theApiServesBatchesFromACursor() throws Exception {
        EventLog log = new EventLog(3);
        for (int i = 0; i < 5; i++) {
            log.append(SensorEvent.of(reading("m", Instant.EPOCH.plusSeconds(i), i)));
        }
        // Capacity 3: positions 0 and 1 are gone; asking from 0 starts at 2 and says so.
        EventBatch batch = log.read(0, 2);
        assertThat(batch.from()).isEqualTo(2);
        assertThat(batch.cursor()).isEqualTo(4);
        assertThat(batch.events()).hasSize(2);
        assertThat(log.read(4, 10).events()).hasSize(1);
        assertThat(log.read(5, 10).events()).isEmpty();
        assertThat(log.read(99, 10).cursor()).isEqualTo(5);
        try (SensorApi api = SensorApi.start(log, 0)) {
            var client = java.net.http.HttpClient.newHttpClient();
            var ok = client.send(
                    java.net.http.HttpRequest.newBuilder(URI.create(api.readingsUrl() + "?since=4"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body())
                    .isEqualTo("{\"from\":4,\"cursor\":5,\"events\":[{\"machine\":\"m\",\"time\":\"01.01.1970"
                            + " 00:00:04.000\",\"temperature_c\":4.0,\"fan_rpm\":1004.0,\"load_percent\":30.0}]}");
            var bad = client.send(
                    java.net.http.HttpRequest.newBuilder(URI.create(api.readingsUrl() + "?since=x"))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.body()).startsWith("{\"error\":\"since and limit must be integers");
        }
    }

    private static SensorReading reading(String machine, Instant time, double temperature) {
        return SensorReading.newBuilder()
                .setMachineId(machine)
                .setTimestampMillis(time.toEpochMilli())
                .setTemperatureC(temperature)
                .setFanRpm(1000 + temperature)
                .setLoadPercent(30)
                .build();
    }

    private static SensorIngestion ingestion(
            URI url, String records, String deadLetters, ByteArrayOutputStream notices) {
        return new SensorIngestion(
                url,
                broker.bootstrapServers(),
                Map.of(),
                records,
                deadLetters,
                Duration.ofMillis(50),
                0,
                new PrintStream(notices, true, StandardCharsets.UTF_8));
    }

    /** Everything on the topic, read until {@code expected} records arrived and then 1 s more, or 15 s passed. */
    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
                if (all.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                }
            }
        }
        return all;
    }
}
