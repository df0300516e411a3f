package dev.modelserving.deploy.cli;

import dev.modelserving.proto.ModelEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code modelctl list}: the models the serving job serves now, per data type, and with {@code --history} every
 * change, read from the model-event topic (from its beginning up to its end when the command starts). Reports of one
 * change from several serving subtasks are shown once.
 */
@Command(
        name = "list",
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Lists the model serving each data type now, from the serving job's model-event topic (read from the"
                    + " beginning to its current end). With --history, also every change per data type: time, event,"
                    + " model, version, publisher (from the signed descriptor; `by -`: none), reason.",
            "A change reported by several serving subtasks (partitioned mode) is shown once."
        },
        footer = {"", "Example:", "  modelctl list --bootstrap-server localhost:9092 --history"})
final class ListCommand implements Callable<Integer> {

    /** Reports of one change by different subtasks closer than this are one change. */
    static final Duration SAME_CHANGE_WINDOW = Duration.ofMinutes(1);

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
            names = "--events-topic",
            defaultValue = "model-events",
            paramLabel = "TOPIC",
            description = "The serving job's model-event topic (default ${DEFAULT-VALUE}).")
    private String eventsTopic;

    @Option(names = "--data-type", paramLabel = "TYPE", description = "Only this data type.")
    private String dataType;

    @Option(names = "--history", description = "Also print each data type's changes, oldest first.")
    private boolean history;

    @Override
    public Integer call() throws CliException {
        ModelEventLog log = new ModelEventLog(SAME_CHANGE_WINDOW);
        List<String> unreadable;
        try (TopicReader reader = consumer.open(spec.commandLine())) {
            ModelEventTopic.Read read = ModelEventTopic.readToEnd(reader, eventsTopic);
            read.events().forEach(log::add);
            unreadable = read.unreadable();
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<String, List<ModelEventLog.Change>> active = log.active();
        Map<String, List<ModelEventLog.Change>> changes = log.history();
        if (dataType != null) {
            active.keySet().retainAll(List.of(dataType));
            changes.keySet().retainAll(List.of(dataType));
        }
        printActive(out, active, dataType == null ? "" : " for data type " + dataType);
        if (history) {
            printHistory(out, changes);
        }
        out.flush();
        if (!unreadable.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(ModelCli.PREFIX + "skipped " + unreadable.size() + " unreadable message"
                    + (unreadable.size() == 1 ? "" : "s") + " (not ModelEvents): " + String.join(", ", unreadable));
            err.flush();
        }
        return 0;
    }

    private static void printActive(PrintWriter out, Map<String, List<ModelEventLog.Change>> active, String scope) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"DATA TYPE", "MODEL", "VERSION", "SINCE", "BY"});
        active.forEach((type, changes) -> {
            if (changes.isEmpty()) {
                rows.add(new String[] {type, "-", "-", "-", "(no model: removed)"});
            }
            for (ModelEventLog.Change change : changes) {
                ModelEvent e = change.event();
                rows.add(new String[] {
                    type,
                    e.getModelName(),
                    Long.toString(e.getModelVersion()),
                    MessageLines.time(e.getTimestampMillis()),
                    e.getType().name()
                });
            }
        });
        if (rows.size() == 1) {
            out.println("no model events yet" + scope);
            return;
        }
        Tables.print(out, rows);
    }

    private static void printHistory(PrintWriter out, Map<String, List<ModelEventLog.Change>> changes) {
        changes.forEach((type, list) -> {
            out.println();
            out.println(type + ":");
            List<String[]> rows = new ArrayList<>();
            for (ModelEventLog.Change change : list) {
                ModelEvent e = change.event();
                rows.add(new String[] {
                    "  " + MessageLines.time(e.getTimestampMillis()),
                    e.getType().name(),
                    e.getModelName(),
                    "v" + e.getModelVersion(),
                    "by " + (e.getPublisherId().isEmpty() ? "-" : e.getPublisherId()),
                    MessageLines.quoted(e.getReason())
                            + (change.reports() > 1 ? " (reported by " + change.reports() + " instances)" : "")
                });
            }
            Tables.print(out, rows);
        });
    }
}
