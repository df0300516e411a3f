package dev.modelserving.deploy.cli;

import dev.modelserving.proto.ModelEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The model events of a topic as a person wants to read them: one change per line, per data type, and the models
 * active now. In partitioned mode every serving subtask reports the same change; reports of the same type, model and
 * version (and previous version) from different emitters within {@link #window} are one change. The same emitter
 * reporting it again is a new change (e.g. a second rollback to the same version).
 */
final class ModelEventLog {

    /** One change, as one or more serving instances reported it (the first report is kept). */
    record Change(ModelEvent event, Set<String> emitters) {

        /** How many instances reported it (at least 1). */
        int reports() {
            return Math.max(1, emitters.size());
        }
    }

    private final Duration window;
    private final Map<String, List<Change>> byDataType = new TreeMap<>();

    /** @param window how far apart in time reports of one change from different emitters may be */
    ModelEventLog(Duration window) {
        this.window = window;
    }

    /** Adds an event, in the order read; a report of a change already known is merged into it. */
    void add(ModelEvent event) {
        List<Change> changes = byDataType.computeIfAbsent(event.getDataType(), t -> new ArrayList<>());
        for (int i = changes.size() - 1; i >= 0; i--) {
            Change known = changes.get(i);
            if (sameChange(known.event(), event) && !reportedBy(known, event)) {
                if (!event.getEmittedBy().isEmpty()) {
                    known.emitters().add(event.getEmittedBy());
                }
                return;
            }
        }
        Set<String> emitters = new LinkedHashSet<>();
        if (!event.getEmittedBy().isEmpty()) {
            emitters.add(event.getEmittedBy());
        }
        changes.add(new Change(event, emitters));
    }

    /** Every data type's changes, oldest first (by the time of their first report). */
    Map<String, List<Change>> history() {
        Map<String, List<Change>> sorted = new TreeMap<>();
        byDataType.forEach((dataType, changes) -> {
            List<Change> copy = new ArrayList<>(changes);
            copy.sort(Comparator.comparingLong(c -> c.event().getTimestampMillis()));
            sorted.put(dataType, List.copyOf(copy));
        });
        return sorted;
    }

    /**
     * Every data type with the changes that made its models active now: the latest ACTIVATED or ROLLED_BACK of each
     * model name, unless that version was later SUPERSEDED or the model REMOVED. A data type whose models were all
     * removed maps to an empty list.
     */
    Map<String, List<Change>> active() {
        Map<String, List<Change>> active = new TreeMap<>();
        history().forEach((dataType, changes) -> {
            Map<String, Change> serving = new LinkedHashMap<>();
            for (Change change : changes) {
                ModelEvent e = change.event();
                switch (e.getType()) {
                    case ACTIVATED, ROLLED_BACK -> {
                        serving.remove(e.getModelName());
                        serving.put(e.getModelName(), change);
                    }
                    case SUPERSEDED -> {
                        Change current = serving.get(e.getModelName());
                        if (current != null && current.event().getModelVersion() == e.getModelVersion()) {
                            serving.remove(e.getModelName());
                        }
                    }
                    case REMOVED -> serving.remove(e.getModelName());
                    default -> {
                        // REJECTED changes nothing that serves.
                    }
                }
            }
            active.put(dataType, List.copyOf(serving.values()));
        });
        return active;
    }

    private boolean sameChange(ModelEvent a, ModelEvent b) {
        return a.getType() == b.getType()
                && a.getModelName().equals(b.getModelName())
                && a.getModelVersion() == b.getModelVersion()
                && a.getPreviousVersion() == b.getPreviousVersion()
                && Math.abs(a.getTimestampMillis() - b.getTimestampMillis()) <= window.toMillis();
    }

    /** Whether this emitter already reported the change (then the event is a new change). */
    private static boolean reportedBy(Change known, ModelEvent event) {
        return !event.getEmittedBy().isEmpty() && known.emitters().contains(event.getEmittedBy());
    }
}
