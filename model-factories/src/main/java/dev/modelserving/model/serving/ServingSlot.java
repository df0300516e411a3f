package dev.modelserving.model.serving;

import dev.modelserving.model.Model;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingSlotState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * What serves one data type (or one data type + model name in the speculative executors): the current model, a
 * candidate loading in the background, and the versions kept for rollback. Flink-free: the serving functions of
 * every job mode drive it, keep its {@link #snapshot()} in Flink state and rebuild it from that after a restore.
 *
 * <p>The swap rules:
 * <ul>
 *   <li>a descriptor whose version is not newer than the newest version of its model name that was activated (or
 *       is loading) is rejected as stale; a version that failed to load was never served, so its number may be
 *       published again;</li>
 *   <li>a candidate loads and validates off the scoring thread while the current model keeps serving; it becomes
 *       current at the next {@link #poll()} after it is ready; a candidate that fails is rejected with the reason
 *       and the current model stays;</li>
 *   <li>a newer candidate replaces one still loading (the older is rejected as replaced);</li>
 *   <li>the pending candidate is part of the snapshot, so a restore finishes loading it;</li>
 *   <li>rollback re-activates a kept earlier version; removal stops serving a model (it stays available for
 *       rollback); a record with no model gets NO_MODEL.</li>
 * </ul>
 * The live model is never part of the state: after a restore it is rebuilt from the descriptor at first use.
 * Not thread-safe: one thread (the operator's) drives it; only loading happens elsewhere.
 */
public final class ServingSlot implements AutoCloseable {

    private final String dataType;
    private final SlotSettings settings;

    private ServingSlotState state;
    private Model current;
    private String currentFailure;
    private CompletableFuture<Model> pendingLoad;

    /** A slot restored from its snapshot (or {@code ServingSlotState.getDefaultInstance()} for a new one). */
    public ServingSlot(String dataType, ServingSlotState restored, SlotSettings settings) {
        this.dataType = dataType;
        this.settings = settings;
        this.state = restored.toBuilder().setDataType(dataType).build();
        if (state.hasPending()) {
            pendingLoad = startLoad(state.getPending());
        }
    }

    public String dataType() {
        return dataType;
    }

    /** The state to persist: descriptors only. */
    public ServingSlotState snapshot() {
        return state;
    }

    /** Whether a candidate is loading (the caller should {@link #poll()} until it is not). */
    public boolean loading() {
        return pendingLoad != null;
    }

    /** The descriptor serving now, if any. */
    public Optional<ModelDescriptor> currentDescriptor() {
        return state.hasCurrent() ? Optional.of(state.getCurrent()) : Optional.empty();
    }

    /**
     * Applies a descriptor (deploy, rollback or remove) for this slot's data type. Loading happens in the
     * background; the returned events are the ones known at once (stale, removed, replaced candidate).
     */
    public List<ModelEvent> apply(ModelDescriptor descriptor) {
        if (!dataType.equals(descriptor.getDataType())) {
            throw new IllegalArgumentException("descriptor for data type '" + descriptor.getDataType()
                    + "' sent to the slot of '" + dataType + "'");
        }
        List<ModelEvent> events = new ArrayList<>();
        switch (descriptor.getAction()) {
            case DEPLOY -> deploy(descriptor, events);
            case ROLLBACK -> rollback(descriptor, events);
            case REMOVE -> remove(descriptor, events);
            default -> events.add(event(ModelEventType.REJECTED, descriptor,
                    "unknown action " + descriptor.getActionValue()));
        }
        return events;
    }

    private void deploy(ModelDescriptor d, List<ModelEvent> events) {
        long latest = state.getLatestVersionsOrDefault(d.getName(), 0L);
        if (state.hasPending() && state.getPending().getName().equals(d.getName())) {
            latest = Math.max(latest, state.getPending().getVersion());
        }
        if (d.getVersion() <= latest) {
            events.add(event(ModelEventType.REJECTED, d, "stale: version " + d.getVersion()
                    + " is not newer than version " + latest + " of model '" + d.getName() + "'"));
            return;
        }
        try {
            settings.loader().checkDescriptor(d);
        } catch (ModelLoadException e) {
            events.add(event(ModelEventType.REJECTED, d, e.getMessage()));
            return;
        }
        cancelPending("replaced by version " + d.getVersion() + " of model '" + d.getName() + "' while loading",
                events);
        state = state.toBuilder().setPending(d).setPendingIsRollback(false).build();
        pendingLoad = startLoad(d);
    }

    private void rollback(ModelDescriptor command, List<ModelEvent> events) {
        if (staleCommand(command, events)) {
            return;
        }
        long target = command.getRollbackToVersion();
        if (state.hasCurrent() && state.getCurrent().getName().equals(command.getName())
                && state.getCurrent().getVersion() == target) {
            events.add(event(ModelEventType.REJECTED, command.toBuilder().setVersion(target).build(),
                    "rollback: version " + target + " of model '" + command.getName() + "' is already serving"));
            return;
        }
        Optional<ModelDescriptor> kept = state.getHistoryList().stream()
                .filter(h -> h.getName().equals(command.getName()) && h.getVersion() == target)
                .findFirst();
        if (kept.isEmpty()) {
            List<String> available = state.getHistoryList().stream()
                    .map(h -> h.getName() + "@" + h.getVersion()).toList();
            events.add(event(ModelEventType.REJECTED, command.toBuilder().setVersion(target).build(),
                    "rollback: version " + target + " of model '" + command.getName()
                            + "' is not among the kept versions " + available));
            return;
        }
        cancelPending("replaced by a rollback to version " + target + " while loading", events);
        state = state.toBuilder().setPending(kept.get()).setPendingIsRollback(true)
                .putLatestVersions(command.getName(), command.getVersion()).build();
        pendingLoad = startLoad(kept.get());
    }

    private void remove(ModelDescriptor command, List<ModelEvent> events) {
        if (staleCommand(command, events)) {
            return;
        }
        boolean matched = false;
        if (state.hasPending() && state.getPending().getName().equals(command.getName())) {
            cancelPending("removed while loading", events);
            matched = true;
        }
        if (state.hasCurrent() && state.getCurrent().getName().equals(command.getName())) {
            ModelDescriptor removed = state.getCurrent();
            closeCurrent();
            state = withHistory(state.toBuilder().clearCurrent(), removed)
                    .putLatestVersions(command.getName(), command.getVersion()).build();
            events.add(event(ModelEventType.REMOVED, removed, reasonOr(command, "removed by command")).toBuilder()
                    .setPublisherId(command.getPublisherId()).build());
            matched = true;
        }
        if (!matched) {
            events.add(event(ModelEventType.REJECTED, command, "remove: model '" + command.getName()
                    + "' does not serve data type '" + dataType + "'"));
        } else {
            state = state.toBuilder().putLatestVersions(command.getName(), command.getVersion()).build();
        }
    }

    /**
     * Replay protection for commands: a ROLLBACK or REMOVE takes the next version of its model name like a deploy,
     * so a command (signed or not) replayed after a newer change is stale and cannot undo it. Adds the REJECTED
     * event and answers true when the command is stale.
     */
    private boolean staleCommand(ModelDescriptor command, List<ModelEvent> events) {
        long latest = state.getLatestVersionsOrDefault(command.getName(), 0L);
        if (state.hasPending() && state.getPending().getName().equals(command.getName())) {
            latest = Math.max(latest, state.getPending().getVersion());
        }
        if (command.getVersion() > latest) {
            return false;
        }
        events.add(event(ModelEventType.REJECTED, command, "stale: " + command.getAction().name().toLowerCase(
                java.util.Locale.ROOT) + " command version " + command.getVersion() + " is not newer than version "
                + latest + " of model '" + command.getName() + "' (every command takes the next version number)"));
        return true;
    }

    /** Makes a candidate that finished loading current (or rejects it). Cheap when nothing is loading. */
    public List<ModelEvent> poll() {
        if (pendingLoad == null || !pendingLoad.isDone()) {
            return List.of();
        }
        ModelDescriptor candidate = state.getPending();
        boolean rollback = state.getPendingIsRollback();
        CompletableFuture<Model> load = pendingLoad;
        pendingLoad = null;
        state = state.toBuilder().clearPending().setPendingIsRollback(false).build();
        Model model;
        try {
            model = load.join();
        } catch (CompletionException e) {
            return List.of(event(ModelEventType.REJECTED, candidate, reasonOf(e.getCause())));
        }
        List<ModelEvent> events = new ArrayList<>();
        ModelDescriptor previous = state.hasCurrent() ? state.getCurrent() : null;
        closeCurrent();
        long newest = Math.max(state.getLatestVersionsOrDefault(candidate.getName(), 0L), candidate.getVersion());
        ServingSlotState.Builder next = state.toBuilder().setCurrent(candidate)
                .putLatestVersions(candidate.getName(), newest);
        if (previous != null) {
            withHistory(next, previous);
            events.add(event(ModelEventType.SUPERSEDED, previous, "superseded by " + candidate.getName() + "@"
                    + candidate.getVersion()));
        }
        // The serving version is never kept twice.
        List<ModelDescriptor> history = new ArrayList<>(next.getHistoryList());
        history.removeIf(h -> sameVersion(h, candidate));
        state = next.clearHistory().addAllHistory(history).build();
        current = model;
        currentFailure = null;
        ModelEvent activated = event(rollback ? ModelEventType.ROLLED_BACK : ModelEventType.ACTIVATED, candidate,
                rollback ? "rolled back" : "loaded and validated");
        events.add(activated.toBuilder().setModelSha256(model.id().sha256())
                .setPreviousVersion(previous == null ? 0 : previous.getVersion()).build());
        return events;
    }

    /** Scores a record with the current model: SCORED, FAILED (with the reason) or NO_MODEL; never throws. */
    public ServingResult score(DataRecord record) {
        if (!state.hasCurrent()) {
            return ServingResults.noModel(record);
        }
        Model model = currentModel();
        if (model == null) {
            return ServingResults.failed(record, null, currentFailure, 0);
        }
        long start = System.nanoTime();
        try {
            Prediction prediction = model.score(record);
            return ServingResults.scored(record, model.id(), prediction, System.nanoTime() - start);
        } catch (ScoringException e) {
            return ServingResults.failed(record, model.id(), e.getMessage(), System.nanoTime() - start);
        } catch (RuntimeException e) {
            return ServingResults.failed(record, model.id(), "the model failed: " + e, System.nanoTime() - start);
        }
    }

    /** The live current model, rebuilt from its descriptor at first use after a restore. */
    public Model currentModel() {
        if (current == null && state.hasCurrent() && currentFailure == null) {
            ModelDescriptor d = state.getCurrent();
            try {
                current = settings.loader().load(d);
            } catch (ModelLoadException e) {
                currentFailure = "model " + d.getName() + "@" + d.getVersion() + " could not be rebuilt from state: "
                        + e.getMessage();
            }
        }
        return current;
    }

    /** Identity of the live current model, if one is built. */
    public Optional<ModelId> currentId() {
        return Optional.ofNullable(current).map(Model::id);
    }

    @Override
    public void close() {
        closeCurrent();
        if (pendingLoad != null) {
            pendingLoad.whenComplete(ServingSlot::closeQuietlyLoaded);
            pendingLoad = null;
        }
    }

    private CompletableFuture<Model> startLoad(ModelDescriptor d) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return settings.loader().load(d);
                } catch (ModelLoadException e) {
                    throw new CompletionException(e);
                }
            }, settings.loadExecutor());
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void cancelPending(String reason, List<ModelEvent> events) {
        if (!state.hasPending()) {
            return;
        }
        events.add(event(ModelEventType.REJECTED, state.getPending(), reason));
        if (pendingLoad != null) {
            pendingLoad.whenComplete(ServingSlot::closeQuietlyLoaded);
            pendingLoad = null;
        }
        state = state.toBuilder().clearPending().setPendingIsRollback(false).build();
    }

    /** Closes a model whose load finished after nobody wanted it any more. */
    private static void closeQuietlyLoaded(Model model, Throwable failure) {
        if (model != null) {
            model.close();
        }
    }

    private void closeCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
        currentFailure = null;
    }

    private ServingSlotState.Builder withHistory(ServingSlotState.Builder builder, ModelDescriptor earlier) {
        List<ModelDescriptor> history = new ArrayList<>(builder.getHistoryList());
        history.removeIf(h -> sameVersion(h, earlier));
        history.add(earlier);
        while (history.size() > settings.maxHistory()) {
            history.remove(0);
        }
        return builder.clearHistory().addAllHistory(history);
    }

    private static boolean sameVersion(ModelDescriptor a, ModelDescriptor b) {
        return a.getName().equals(b.getName()) && a.getVersion() == b.getVersion();
    }

    private static String reasonOf(Throwable failure) {
        if (failure instanceof ModelLoadException) {
            return failure.getMessage();
        }
        return "could not load: " + failure;
    }

    private static String reasonOr(ModelDescriptor command, String fallback) {
        return command.getDescription().isBlank() ? fallback : command.getDescription();
    }

    private ModelEvent event(ModelEventType type, ModelDescriptor about, String reason) {
        return ModelEvent.newBuilder()
                .setType(type)
                .setDataType(dataType)
                .setModelName(about.getName())
                .setModelVersion(about.getVersion())
                .setModelSha256(about.getArtifactSha256())
                .setPreviousVersion(state.hasCurrent() ? state.getCurrent().getVersion() : 0)
                .setReason(reason)
                .setTimestampMillis(settings.clockMillis().getAsLong())
                .setEmittedBy(settings.emitter())
                .setPublisherId(about.getPublisherId())
                .setNewestVersion(state.getLatestVersionsOrDefault(about.getName(), 0L))
                .build();
    }
}
