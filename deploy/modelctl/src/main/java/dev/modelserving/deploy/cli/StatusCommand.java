package dev.modelserving.deploy.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelStats;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl status}: what serves each data type now and how it is doing, from the serving job's stats topic
 * (every serving instance's latest cumulative {@link ModelStats} per model version, merged across instances by
 * {@link MergedStats}) and its model-event topic (which version is current per data type).
 */
@Command(
        name = "status",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Prints one line per model version serving a data type, from the serving job's stats topic (ModelStats,"
                    + " emitted every --stats-interval-ms by each serving instance) merged across instances:"
                    + " records, failures, scoring latency p50/p99 (ms), the feature with the largest drift (PSI).",
            "NOW '*': the version the model-event topic names as serving the data type now. p50/p99 across"
                    + " several instances are the largest of the instances' values (an upper bound).",
            "Only statistics emitted within --window-ms are used; versions that stopped serving are shown with"
                    + " --all."
        },
        footer = {"", "Example:", "  modelctl status --bootstrap-server localhost:9092"})
final class StatusCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    private boolean help;

    @Mixin
    private ConsumerOptions consumer;

    @Option(
            names = "--stats-topic",
            defaultValue = "model-stats",
            paramLabel = "TOPIC",
            description = "The serving job's stats topic (default ${DEFAULT-VALUE}).")
    private String statsTopic;

    @Option(
            names = "--events-topic",
            defaultValue = "model-events",
            paramLabel = "TOPIC",
            description = "The serving job's model-event topic (default ${DEFAULT-VALUE}).")
    private String eventsTopic;

    @Option(
            names = "--window-ms",
            defaultValue = "300000",
            paramLabel = "MS",
            description = "Ignore statistics emitted longer ago than this (default ${DEFAULT-VALUE}).")
    private long windowMs;

    @Option(names = "--data-type", paramLabel = "TYPE", description = "Only this data type.")
    private String dataType;

    @Option(names = "--all", description = "Also versions that stopped serving within the window.")
    private boolean all;

    @Override
    public Integer call() throws CliException {
        if (windowMs <= 0) {
            throw new ParameterException(spec.commandLine(), "--window-ms must be positive, not " + windowMs);
        }
        List<ModelStats> stats = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        ModelEventLog log = new ModelEventLog(ListCommand.SAME_CHANGE_WINDOW);
        try (TopicReader reader = consumer.open(spec.commandLine())) {
            TopicToEnd.read(reader, statsTopic, record -> {
                try {
                    ModelStats s = ModelStats.parseFrom(record.value() == null ? new byte[0] : record.value());
                    if (s.getModelName().isEmpty() || UnknownFields.first(s) != null) {
                        unreadable.add(TopicToEnd.where(record));
                    } else {
                        stats.add(s);
                    }
                } catch (InvalidProtocolBufferException e) {
                    unreadable.add(TopicToEnd.where(record));
                }
            });
            ModelEventTopic.Read events = ModelEventTopic.readToEnd(reader, eventsTopic);
            events.events().forEach(log::add);
        }
        Set<String> current = new HashSet<>();
        log.active().forEach((type, changes) -> changes.forEach(c -> current.add(versionKey(c.event()))));
        List<MergedStats> rows = summarize(stats, System.currentTimeMillis() - windowMs);
        rows.removeIf(r -> (dataType != null && !r.dataType().equals(dataType))
                || (!all && !r.serving() && !current.contains(versionKey(r))));
        PrintWriter out = spec.commandLine().getOut();
        if (rows.isEmpty()) {
            out.println("no serving statistics on topic " + statsTopic + " within the last " + windowMs + " ms"
                    + (dataType == null ? "" : " for data type " + dataType)
                    + " (is the job running with --stats-interval-ms > 0?)");
        } else {
            print(out, rows, current);
        }
        out.flush();
        if (!unreadable.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(ModelCli.PREFIX + "skipped " + unreadable.size() + " unreadable message"
                    + (unreadable.size() == 1 ? "" : "s") + " (not ModelStats): " + String.join(", ", unreadable));
            err.flush();
        }
        return 0;
    }

    /**
     * Each instance's latest snapshot per (data type, model, version) emitted at or after {@code sinceMillis},
     * merged per version; sorted by data type, then newest version first.
     */
    static List<MergedStats> summarize(List<ModelStats> read, long sinceMillis) {
        Map<String, Map<String, ModelStats>> latest = new LinkedHashMap<>();
        for (ModelStats s : read) {
            if (s.getStatsUntilMillis() < sinceMillis) {
                continue;
            }
            Map<String, ModelStats> perInstance = latest.computeIfAbsent(
                    s.getDataType() + "\u0000" + s.getModelName() + "\u0000" + s.getModelVersion(),
                    k -> new LinkedHashMap<>());
            perInstance.merge(
                    s.getEmittedBy(),
                    s,
                    (known, next) -> next.getStatsUntilMillis() >= known.getStatsUntilMillis() ? next : known);
        }
        List<MergedStats> merged = new ArrayList<>();
        latest.values().forEach(perInstance -> merged.add(MergedStats.merge(perInstance.values())));
        merged.sort(Comparator.comparing(MergedStats::dataType)
                .thenComparing(MergedStats::modelName)
                .thenComparing(
                        Comparator.comparingLong(MergedStats::modelVersion).reversed()));
        return merged;
    }

    private static void print(PrintWriter out, List<MergedStats> rows, Set<String> current) {
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {
            "DATA TYPE",
            "NOW",
            "MODEL@VERSION",
            "SHA256",
            "SERVING SINCE",
            "RECORDS",
            "FAILED",
            "P50 MS",
            "P99 MS",
            "MAX MS",
            "DRIFT (MAX PSI)",
            "INSTANCES"
        });
        for (MergedStats r : rows) {
            table.add(new String[] {
                r.dataType(),
                current.contains(versionKey(r)) ? "*" : "",
                r.modelName() + "@" + r.modelVersion(),
                shortSha(r.modelSha256()),
                MessageLines.time(r.servingSinceMillis()),
                Long.toString(r.records()),
                Long.toString(r.failed()),
                millis(r.latencyP50Nanos()),
                millis(r.latencyP99Nanos()),
                millis(r.latencyMaxNanos()),
                r.maxDrift()
                        .map(d -> d.getFeature() + " " + String.format(Locale.ROOT, "%.3f", d.getPsi()))
                        .orElse("-"),
                Integer.toString(r.instances())
            });
        }
        Tables.print(out, table);
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

    static String shortSha(String sha) {
        return sha.isEmpty() ? "-" : sha.substring(0, Math.min(12, sha.length()));
    }

    private static String versionKey(ModelEvent e) {
        return e.getDataType() + "\u0000" + e.getModelName() + "\u0000" + e.getModelVersion();
    }

    private static String versionKey(MergedStats s) {
        return s.dataType() + "\u0000" + s.modelName() + "\u0000" + s.modelVersion();
    }
}
