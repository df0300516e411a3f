package dev.modelserving.deploy.demo;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.PredictedTemperature;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.proto.SystemAlert;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the job's outputs and tells a person what is happening: model events, dead letters and system alerts as they
 * arrive, and every few seconds the result rate, results per model version, NO_MODEL / FAILED counts, dead letters,
 * the latest forecast and, with the sensor system, the predicted temperatures (count and the hottest machine).
 */
public final class ConsoleReport implements Runnable {

    private static final Duration REPORT_EVERY = Duration.ofSeconds(2);
    /** Event times of alert windows, as the simulator's clock shows them. */
    private static final DateTimeFormatter TIME_OF_DAY =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String resultsTopic;
    private final String eventsTopic;
    private final String deadLetterTopic;
    private final String alertsTopic;
    private final String predictionsTopic;
    private final Map<String, PredictedTemperature> latestPrediction = new TreeMap<>();
    private long predictions;
    private long alerts;
    private final PrintStream out;
    private final long startNanos;
    private final Map<String, Long> byModel = new TreeMap<>();
    private long noModel;
    private long failed;
    private long deadLetters;
    private long total;
    private long totalAtLastReport;
    private ServingResult last;
    private volatile boolean running = true;

    public ConsoleReport(
            String bootstrapServers,
            String resultsTopic,
            String eventsTopic,
            String deadLetterTopic,
            PrintStream out,
            long startNanos) {
        this(bootstrapServers, resultsTopic, eventsTopic, deadLetterTopic, null, null, out, startNanos);
    }

    /**
     * A report that also reads the sensor system's alerts and predicted temperatures (either topic may be null:
     * not read).
     */
    public ConsoleReport(
            String bootstrapServers,
            String resultsTopic,
            String eventsTopic,
            String deadLetterTopic,
            String alertsTopic,
            String predictionsTopic,
            PrintStream out,
            long startNanos) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-console-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(props);
        this.resultsTopic = resultsTopic;
        this.eventsTopic = eventsTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.alertsTopic = alertsTopic;
        this.predictionsTopic = predictionsTopic;
        this.out = out;
        this.startNanos = startNanos;
    }

    @Override
    public void run() {
        try (consumer) {
            List<String> topics = new ArrayList<>(List.of(resultsTopic, eventsTopic, deadLetterTopic));
            if (alertsTopic != null) {
                topics.add(alertsTopic);
            }
            if (predictionsTopic != null) {
                topics.add(predictionsTopic);
            }
            consumer.subscribe(topics);
            long nextReport = System.nanoTime() + REPORT_EVERY.toNanos();
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    handle(record);
                }
                if (System.nanoTime() >= nextReport) {
                    report();
                    nextReport += REPORT_EVERY.toNanos();
                }
            }
            report();
        }
    }

    public void stop() {
        running = false;
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.topic().equals(resultsTopic)) {
                count(ServingResult.parseFrom(record.value()));
            } else if (record.topic().equals(alertsTopic)) {
                alert(SystemAlert.parseFrom(record.value()));
            } else if (record.topic().equals(predictionsTopic)) {
                PredictedTemperature prediction = PredictedTemperature.parseFrom(record.value());
                predictions++;
                latestPrediction.put(prediction.getMachineId(), prediction);
            } else if (record.topic().equals(eventsTopic)) {
                ModelEvent event = ModelEvent.parseFrom(record.value());
                String by = event.getEmittedBy();
                out.printf(
                        Locale.ROOT,
                        "%s EVENT [subtask %s] %s %s %s v%d%s%s: %s%n",
                        elapsed(),
                        by.substring(by.lastIndexOf('#') + 1),
                        event.getType(),
                        event.getDataType(),
                        event.getModelName(),
                        event.getModelVersion(),
                        event.getPublisherId().isEmpty() ? "" : " by " + event.getPublisherId(),
                        event.getType() != ModelEventType.SUPERSEDED
                                        && event.getPreviousVersion() > 0
                                        && event.getDriftFeature().isEmpty()
                                ? " (serving before: v" + event.getPreviousVersion() + ")"
                                : "",
                        event.getReason());
            } else {
                DeadLetter letter = DeadLetter.parseFrom(record.value());
                deadLetters++;
                out.printf(
                        Locale.ROOT,
                        "%s DEAD LETTER from %s-%d@%d: %s%n",
                        elapsed(),
                        letter.getSourceTopic(),
                        letter.getSourcePartition(),
                        letter.getSourceOffset(),
                        letter.getReason());
            }
        } catch (InvalidProtocolBufferException e) {
            out.printf(Locale.ROOT, "%s unreadable message on %s: %s%n", elapsed(), record.topic(), e.getMessage());
        }
    }

    private void alert(SystemAlert alert) {
        alerts++;
        out.printf(
                Locale.ROOT,
                "%s ALERT %s %s, window %s-%s: count %d, threshold %s: %s%n",
                elapsed(),
                alert.getMachineId(),
                alert.getKind(),
                TIME_OF_DAY.format(Instant.ofEpochMilli(alert.getWindowStartMillis())),
                TIME_OF_DAY.format(Instant.ofEpochMilli(alert.getWindowEndMillis())),
                alert.getCount(),
                alert.getKind() == SystemAlert.Kind.OVER_TEMPERATURE
                        ? String.format(Locale.ROOT, "%.1f °C", alert.getThreshold())
                        : String.format(Locale.ROOT, "%.0f", alert.getThreshold()),
                alert.getReason());
    }

    private void count(ServingResult result) {
        total++;
        if (result.getStatus() == ServingStatus.NO_MODEL) {
            noModel++;
        } else if (result.getStatus() == ServingStatus.FAILED) {
            failed++;
        } else {
            byModel.merge(result.getModelName() + " v" + result.getModelVersion(), 1L, Long::sum);
            last = result;
        }
    }

    private void report() {
        long perSecond = (total - totalAtLastReport) / Math.max(1, REPORT_EVERY.toSeconds());
        totalAtLastReport = total;
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s results %5d/s | ", elapsed(), perSecond));
        if (byModel.isEmpty()) {
            line.append("no model serving yet | ");
        }
        byModel.forEach(
                (model, count) -> line.append(model).append(": ").append(count).append(" | "));
        line.append("NO_MODEL ")
                .append(noModel)
                .append(" | FAILED ")
                .append(failed)
                .append(" | dead letters ")
                .append(deadLetters);
        if (last != null && last.getOutputsCount() > 0) {
            line.append(String.format(
                    Locale.ROOT,
                    " | %s next: %.2f °C (%.0f µs)",
                    last.getKey(),
                    last.getOutputs(0),
                    last.getLatencyNanos() / 1000.0));
        }
        if (predictionsTopic != null) {
            line.append(" | predictions ").append(predictions);
            latestPrediction.values().stream()
                    .max(java.util.Comparator.comparingDouble(PredictedTemperature::getPredictedTemperatureC))
                    .ifPresent(p -> line.append(String.format(
                            Locale.ROOT,
                            " | hottest %s next %.1f °C%s",
                            p.getMachineId(),
                            p.getPredictedTemperatureC(),
                            p.getProbabilityExceedingAlert() < 0
                                    ? ""
                                    : String.format(
                                            Locale.ROOT,
                                            ", P(> %.0f °C) %.2f",
                                            p.getAlertTemperatureC(),
                                            p.getProbabilityExceedingAlert()))));
        }
        if (alertsTopic != null) {
            line.append(" | alerts ").append(alerts);
        }
        out.println(line);
    }

    private String elapsed() {
        return String.format(Locale.ROOT, "[%5.1fs]", (System.nanoTime() - startNanos) / 1e9);
    }
}
