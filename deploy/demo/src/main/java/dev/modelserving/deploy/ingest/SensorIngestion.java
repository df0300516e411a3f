package dev.modelserving.deploy.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.flink.parse.DeadLetters;
import dev.modelserving.proto.DeadLetter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Polls the sensor HTTP API ({@link SensorApi}) and publishes what it gets: each usable event as a
 * {@code SensorReading} (timestamp parsed from the API's format) on the records topic, keyed by machine id; each
 * unusable one (not an object, a field missing or of the wrong type, a bad timestamp) as a {@code DeadLetter} with
 * the reason on the dead-letter topic, keyed by the API's URL, its payload the event's JSON and its offset the
 * event's position in the API. An answer that is not the API's JSON at all becomes one dead letter (once per cursor)
 * and is asked again after a pause.
 *
 * <p>Delivery: the cursor moves on only when the broker has acknowledged every message of a batch, so no event is
 * lost and none is published twice while the process runs (after a failed send the batch is asked again, and
 * messages of it that did reach the broker are published again: at-least-once). The cursor lives in memory; a new
 * process starts at {@code --since}.
 */
public final class SensorIngestion implements Runnable, AutoCloseable {

    /** Events asked for per request. */
    static final int BATCH = SensorApi.MAX_LIMIT;

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final URI readingsUrl;
    private final String recordsTopic;
    private final String deadLetterTopic;
    private final Duration pollInterval;
    private final PrintStream log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicLong readings = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile long cursor;
    private long lastUnreadableCursor = -1;

    /**
     * @param readingsUrl the API's readings endpoint, e.g. {@code http://127.0.0.1:8090/readings}
     * @param bootstrapServers Kafka brokers
     * @param clientProperties extra Kafka client properties (security), may be empty
     * @param recordsTopic where readings go (the job's {@code --data-topic}, read with {@code --data-format
     *     sensor-reading})
     * @param deadLetterTopic where unusable events go (the job's {@code --dead-letter-topic})
     * @param pollInterval pause between requests when the API had nothing more
     * @param since the cursor of the first request (0: from the oldest event the API holds)
     * @param log where problems are reported
     */
    public SensorIngestion(
            URI readingsUrl,
            String bootstrapServers,
            Map<String, String> clientProperties,
            String recordsTopic,
            String deadLetterTopic,
            Duration pollInterval,
            long since,
            PrintStream log) {
        this.readingsUrl = readingsUrl;
        this.recordsTopic = recordsTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.pollInterval = pollInterval;
        this.cursor = since;
        this.log = log;
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "sensor-ingestion");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(SEND_TIMEOUT.toMillis()));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(SEND_TIMEOUT.toMillis() / 2));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(SEND_TIMEOUT.toMillis()));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(props);
    }

    /** Polls until {@link #stop()}: at once again after a full batch, else after the poll interval. */
    @Override
    public void run() {
        while (stop.getCount() > 0) {
            Duration pause = pollInterval;
            try {
                if (pollOnce() == BATCH) {
                    pause = Duration.ZERO;
                }
            } catch (IOException | KafkaException | IllegalStateException e) {
                log.println("sensor ingestion: " + e.getMessage() + " (asking again for cursor " + cursor + ")");
                pause = pollInterval.multipliedBy(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                if (!pause.isZero() && stop.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * One request: publishes what the API answers from the current cursor on, waits until the broker has all of it,
     * then moves the cursor.
     *
     * @return how many events the answer held (readings and dead letters)
     * @throws IOException when the API cannot be reached or answers with an error status
     * @throws IllegalStateException when the broker does not acknowledge a message
     */
    public int pollOnce() throws IOException, InterruptedException {
        long since = cursor;
        URI uri = URI.create(readingsUrl + "?since=" + since + "&limit=" + BATCH);
        HttpResponse<byte[]> response = http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException(readingsUrl + " answered HTTP " + response.statusCode());
        }
        JsonNode body;
        try {
            body = json.readTree(response.body());
        } catch (JsonProcessingException e) {
            unreadable(response.body(), since, "not JSON: " + e.getOriginalMessage());
            return 0;
        }
        if (body == null
                || !body.path("cursor").canConvertToExactIntegral()
                || !body.path("from").canConvertToExactIntegral()
                || !body.path("events").isArray()) {
            unreadable(
                    response.body(), since, "not a batch of events ({\"from\": n, \"cursor\": n, \"events\": [...]})");
            return 0;
        }
        long from = body.get("from").asLong();
        long next = body.get("cursor").asLong();
        JsonNode events = body.get("events");
        if (from > since) {
            log.println("sensor ingestion: " + (from - since) + " events between cursor " + since + " and " + from
                    + " were no longer held by the API and are lost");
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>(events.size());
        long readingsSent = 0;
        long lettersSent = 0;
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            long position = from + i;
            EventParser.Parsed parsed = EventParser.parse(event);
            if (parsed instanceof EventParser.Reading r) {
                sends.add(producer.send(new ProducerRecord<>(
                        recordsTopic, r.reading().getMachineId(), r.reading().toByteArray())));
                readingsSent++;
            } else if (parsed instanceof EventParser.Unusable u) {
                sends.add(send(deadLetter(json.writeValueAsBytes(event), position, u.reason())));
                lettersSent++;
            }
        }
        awaitAll(sends);
        readings.addAndGet(readingsSent);
        deadLetters.addAndGet(lettersSent);
        cursor = Math.max(next, since);
        lastUnreadableCursor = -1;
        return events.size();
    }

    private void unreadable(byte[] body, long since, String reason) throws InterruptedException {
        if (lastUnreadableCursor == since) {
            return; // already a dead letter: the same cursor answered the same way before
        }
        awaitAll(List.of(send(deadLetter(body, since, "unreadable answer from the sensor API: " + reason))));
        deadLetters.incrementAndGet();
        lastUnreadableCursor = since;
        log.println("sensor ingestion: unreadable answer at cursor " + since + ": " + reason);
    }

    private DeadLetter deadLetter(byte[] payload, long position, String reason) {
        return DeadLetters.of(payload, readingsUrl.toString(), 0, position, reason, System.currentTimeMillis());
    }

    private Future<RecordMetadata> send(DeadLetter letter) {
        return producer.send(new ProducerRecord<>(deadLetterTopic, letter.getSourceTopic(), letter.toByteArray()));
    }

    private static void awaitAll(List<Future<RecordMetadata>> sends) throws InterruptedException {
        long deadline = System.nanoTime() + SEND_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5);
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException(
                        "a message was not acknowledged: " + e.getCause().getMessage(), e);
            } catch (TimeoutException e) {
                throw new IllegalStateException("the broker did not acknowledge within " + SEND_TIMEOUT, e);
            }
        }
    }

    /** The cursor of the next request. */
    public long cursor() {
        return cursor;
    }

    /** Readings published so far. */
    public long readings() {
        return readings.get();
    }

    /** Dead letters published so far. */
    public long deadLetters() {
        return deadLetters.get();
    }

    /** Makes {@link #run()} return after the request in flight. */
    public void stop() {
        stop.countDown();
    }

    @Override
    public void close() {
        stop();
        producer.close(Duration.ofSeconds(5));
    }
}
