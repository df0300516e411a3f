package dev.modelserving.deploy.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl explain --record-id ID}: the lineage of one result. Finds the result on the results topic (the
 * whole topic is read, up to its end when the command starts), then on the model-event topic the ACTIVATED or
 * ROLLED_BACK event of the model version that produced it (the latest one at or before the result was written):
 * when that version was activated, by which descriptor (topic, partition, offset), published by whom, and which
 * model it replaced.
 */
@Command(
        name = "explain",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Explains a result: which model name, version and SHA-256 produced it (from the results topic), when"
                    + " that version was activated, by which descriptor (topic-partition@offset of the model topic)"
                    + " and publisher, and which model it replaced (from the model-event topic).",
            "Both topics are read from their beginning to their end; a record id answered several times (e.g."
                    + " replayed) is explained for its last result."
        },
        footer = {"", "Example:", "  modelctl explain --bootstrap-server localhost:9092 --record-id wine-42"})
final class ExplainCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;

    @Mixin
    private ConsumerOptions consumer;

    @Option(names = "--record-id", required = true, paramLabel = "ID", description = "DataRecord.id of the record.")
    private String recordId;

    @Option(
            names = "--results-topic",
            defaultValue = "results",
            paramLabel = "TOPIC",
            description = "The serving job's results topic (default ${DEFAULT-VALUE}).")
    private String resultsTopic;

    @Option(
            names = "--events-topic",
            defaultValue = "model-events",
            paramLabel = "TOPIC",
            description = "The serving job's model-event topic (default ${DEFAULT-VALUE}).")
    private String eventsTopic;

    /** A result as found on the results topic. */
    private record Found(ServingResult result, String where, long timestampMillis) {}

    @Override
    public Integer call() throws CliException {
        List<Found> found = new ArrayList<>();
        List<ModelEvent> events;
        try (TopicReader reader = consumer.open(spec.commandLine())) {
            TopicToEnd.read(reader, resultsTopic, record -> find(record).ifPresent(found::add));
            if (found.isEmpty()) {
                throw new CliException("no result for record id '" + recordId + "' on topic " + resultsTopic);
            }
            events = ModelEventTopic.readToEnd(reader, eventsTopic).events();
        }
        found.sort(Comparator.comparingLong(Found::timestampMillis));
        Found last = found.get(found.size() - 1);
        ServingResult r = last.result();
        PrintWriter out = spec.commandLine().getOut();
        out.println("record " + recordId + " (data type " + r.getDataType() + "): " + r.getStatus()
                + (found.size() > 1 ? " (last of " + found.size() + " results for this id)" : ""));
        out.println("  result:      " + last.where() + " at " + MessageLines.time(last.timestampMillis())
                + (r.getStatus() == ServingStatus.FAILED ? ", error " + MessageLines.quoted(r.getError()) : ""));
        if (r.getModelName().isEmpty()) {
            out.println("  model:       none (no model served data type " + r.getDataType() + ")");
            out.flush();
            return 0;
        }
        out.println("  model:       " + r.getModelName() + " version " + r.getModelVersion());
        out.println("  sha256:      " + (r.getModelSha256().isEmpty() ? "-" : r.getModelSha256()));
        if (!r.getStrategy().isEmpty()) {
            out.println("  strategy:    " + r.getStrategy() + " (speculative; " + r.getAnswersCount() + " answers)");
        }
        Optional<ModelEvent> activation = activation(events, r, last.timestampMillis());
        if (activation.isEmpty()) {
            out.println("  activated:   no ACTIVATED or ROLLED_BACK event of " + r.getModelName() + "@"
                    + r.getModelVersion() + " on topic " + eventsTopic);
        } else {
            ModelEvent e = activation.get();
            out.println("  activated:   " + MessageLines.time(e.getTimestampMillis()) + " (" + e.getType() + ", "
                    + MessageLines.quoted(e.getReason()) + ", reported by " + orDash(e.getEmittedBy()) + ")");
            out.println("  descriptor:  "
                    + (e.getDescriptorTopic().isEmpty()
                            ? "- (origin not recorded)"
                            : e.getDescriptorTopic() + "-" + e.getDescriptorPartition() + "@"
                                    + e.getDescriptorOffset()));
            out.println("  publisher:   " + orDash(e.getPublisherId()));
            out.println("  replaced:    "
                    + (e.getPreviousVersion() == 0 && e.getPreviousModelName().isEmpty()
                            ? "- (nothing served before)"
                            : orDash(e.getPreviousModelName()) + " version " + e.getPreviousVersion()));
            if (!e.getModelSha256().isEmpty()
                    && !r.getModelSha256().isEmpty()
                    && !e.getModelSha256().equals(r.getModelSha256())) {
                out.println("  warning:     the event's sha256 " + e.getModelSha256() + " differs from the result's");
            }
        }
        out.flush();
        return 0;
    }

    private Optional<Found> find(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return Optional.empty();
        }
        try {
            ServingResult result = ServingResult.parseFrom(record.value());
            return result.getRecordId().equals(recordId)
                    ? Optional.of(new Found(result, TopicToEnd.where(record), record.timestamp()))
                    : Optional.empty();
        } catch (InvalidProtocolBufferException e) {
            return Optional.empty(); // not a result: cannot be the one looked for
        }
    }

    /**
     * The event that made the result's version serve its data type: the latest ACTIVATED or ROLLED_BACK of that
     * model version at or before the result was written (the latest one at all if none is that early: clocks).
     */
    static Optional<ModelEvent> activation(List<ModelEvent> events, ServingResult r, long resultMillis) {
        List<ModelEvent> candidates = events.stream()
                .filter(e -> e.getType() == ModelEventType.ACTIVATED || e.getType() == ModelEventType.ROLLED_BACK)
                .filter(e -> e.getDataType().equals(r.getDataType())
                        && e.getModelName().equals(r.getModelName())
                        && e.getModelVersion() == r.getModelVersion())
                .sorted(Comparator.comparingLong(ModelEvent::getTimestampMillis))
                .toList();
        Optional<ModelEvent> before = candidates.stream()
                .filter(e -> e.getTimestampMillis() <= resultMillis)
                .reduce((a, b) -> b);
        return before.isPresent() ? before : candidates.stream().reduce((a, b) -> b);
    }

    private static String orDash(String text) {
        return text.isEmpty() ? "-" : text;
    }
}
