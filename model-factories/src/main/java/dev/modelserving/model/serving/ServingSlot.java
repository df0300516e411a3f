package dev.modelserving.model.serving;

import dev.modelserving.model.Model;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.Scored;
import dev.modelserving.model.ScoringException;
import dev.modelserving.model.drift.DriftChange;
import dev.modelserving.model.drift.DriftMonitor;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DescriptorOrigin;
import dev.modelserving.proto.FeatureDrift;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ModelStats;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingSlotState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Lock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * The live model is never part of the state: after a restore, or after the subtask's {@link ModelCache} evicted it,
 * it is rebuilt from the descriptor in the background ({@link #prepare()}, or at first use), and a record that
 * arrives meanwhile waits for it at most {@link SlotSettings#restoreWaitMillis()} (it is answered FAILED after that,
 * never NO_MODEL: a model does serve). Loads and rebuilds run on {@link SlotSettings#loads()}, with its deadline: a
 * candidate that passes it is REJECTED with a reason starting "TIMEOUT:".
 *
 * <p>Not thread-safe: one thread at a time drives it (the operator's; loading happens elsewhere). A slot used by
 * several threads under a lock names that lock as its {@code guard}, so the cache evicts its model only when it can
 * take the lock at once, never while the model scores.
 *
 * <p>A model that stops serving here (superseded or rolled back from at activation, removed, evicted, or a candidate
 * or rebuild that finished loading for nobody) is first made unreachable from the slot and taken out of the
 * {@link ModelCache}, then handed to the {@link ModelRetirer} of {@link SlotSettings#loads()}, which closes it on its
 * own thread: the operator thread, which every record of the instance waits for, never spends the close (up to tens
 * of milliseconds for a TF or ONNX session, more for a big PMML evaluator) at a swap. A model shared with other
 * slots ({@link SharedModels}) is a lease: retiring it releases this slot's reference once, and the instance is
 * closed only when its last lease is. {@link #close()} closes the current model on the calling thread.
 */
public final class ServingSlot implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServingSlot.class);
    /**
     * How long after a rebuild refused for lack of resources ({@link ModelProblem#RESOURCE_LIMIT}: other models hold
     * the unpacked bytes budget) the next record tries again; other rebuild failures are final until a new
     * descriptor (a model that timed out would only hang another thread).
     */
    static final long REBUILD_RETRY_MILLIS = 1000;
    /** Most statistics of versions no longer serving kept until the next {@link #stats(long)}. */
    static final int MAX_RETIRED_STATS = 16;

    private final String dataType;
    private final SlotSettings settings;
    private final Lock guard;
    private final ModelCache.Holder cacheEntry = new CacheEntry();

    private ServingSlotState state;
    private Model current;
    /** The lineage of the last model that scored here, encoded once for its results. */
    private ModelLineage lineage;

    private String currentFailure;
    private ModelLoads.Loading pendingLoad;
    /** The rebuild of the current descriptor's model (after a restore or an eviction), while it runs. */
    private CompletableFuture<Model> rebuild;

    private boolean evicted;
    private long lastWaitNanos;
    /** When a rebuild refused for lack of resources may be tried again (0: the failure is final). */
    private long retryAtNanos;
    /** Statistics of the current version on this instance (null: nothing current, or not counted yet). */
    private ServingStats currentStats;
    /** Statistics of versions that stopped serving here, emitted once more by {@link #stats(long)}. */
    private final List<ServingStats> retiredStats = new ArrayList<>();
    /** The drift monitor of the current version (null: none yet, or no training statistics) and its descriptor. */
    private DriftMonitor drift;

    private ModelDescriptor driftOf;
    /** Drift events not yet taken by {@link #drainEvents()}. */
    private final List<ModelEvent> driftEvents = new ArrayList<>();

    /** A slot restored from its snapshot (or {@code ServingSlotState.getDefaultInstance()} for a new one). */
    public ServingSlot(String dataType, ServingSlotState restored, SlotSettings settings) {
        this(dataType, restored, settings, null);
    }

    /**
     * A slot used by several threads, each holding {@code guard} while it uses the slot (null: one thread only).
     */
    public ServingSlot(String dataType, ServingSlotState restored, SlotSettings settings, Lock guard) {
        this.dataType = dataType;
        this.settings = settings;
        this.guard = guard;
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

    /**
     * Starts rebuilding the current descriptor's model in the background if it is not live (after a restore or an
     * eviction), so the first record finds it ready or nearly. Cheap when it is live or already rebuilding.
     */
    public void prepare() {
        if (current != null || rebuild != null || !state.hasCurrent() || currentFailure != null) {
            return;
        }
        rebuild = settings.loads().load(settings.loader(), state.getCurrent());
    }

    /** Whether the current model is being rebuilt (after a restore or an eviction). */
    public boolean rebuilding() {
        return rebuild != null && current == null;
    }

    /**
     * A REJECTED event about a descriptor this slot does not take (e.g. a resource bound of the operator instance),
     * built like every other event of the slot.
     */
    public ModelEvent rejected(ModelDescriptor descriptor, String reason) {
        return event(ModelEventType.REJECTED, descriptor, reason);
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
            default ->
                events.add(event(ModelEventType.REJECTED, descriptor, "unknown action " + descriptor.getActionValue()));
        }
        return events;
    }

    private void deploy(ModelDescriptor d, List<ModelEvent> events) {
        long latest = state.getLatestVersionsOrDefault(d.getName(), 0L);
        if (state.hasPending() && state.getPending().getName().equals(d.getName())) {
            latest = Math.max(latest, state.getPending().getVersion());
        }
        if (d.getVersion() <= latest) {
            events.add(event(
                    ModelEventType.REJECTED,
                    d,
                    "stale: version " + d.getVersion() + " is not newer than version " + latest + " of model '"
                            + d.getName() + "'"));
            return;
        }
        try {
            settings.loader().checkDescriptor(d);
        } catch (ModelLoadException e) {
            events.add(event(ModelEventType.REJECTED, d, e.getMessage()));
            return;
        }
        cancelPending(
                "replaced by version " + d.getVersion() + " of model '" + d.getName() + "' while loading", events);
        state = state.toBuilder().setPending(d).setPendingIsRollback(false).build();
        pendingLoad = startLoad(d);
    }

    private void rollback(ModelDescriptor command, List<ModelEvent> events) {
        if (staleCommand(command, events)) {
            return;
        }
        long target = command.getRollbackToVersion();
        if (state.hasCurrent()
                && state.getCurrent().getName().equals(command.getName())
                && state.getCurrent().getVersion() == target) {
            events.add(event(
                    ModelEventType.REJECTED,
                    command.toBuilder().setVersion(target).build(),
                    "rollback: version " + target + " of model '" + command.getName() + "' is already serving"));
            return;
        }
        Optional<ModelDescriptor> kept = state.getHistoryList().stream()
                .filter(h -> h.getName().equals(command.getName()) && h.getVersion() == target)
                .findFirst();
        if (kept.isEmpty()) {
            List<String> available = state.getHistoryList().stream()
                    .map(h -> h.getName() + "@" + h.getVersion())
                    .toList();
            events.add(event(
                    ModelEventType.REJECTED,
                    command.toBuilder().setVersion(target).build(),
                    "rollback: version " + target + " of model '" + command.getName()
                            + "' is not among the kept versions " + available));
            return;
        }
        cancelPending("replaced by a rollback to version " + target + " while loading", events);
        // The re-activated version names the command as the descriptor that made it current.
        ModelDescriptor rollbackTarget = command.hasOrigin()
                ? kept.get().toBuilder().setOrigin(command.getOrigin()).build()
                : kept.get();
        state = state.toBuilder()
                .setPending(rollbackTarget)
                .setPendingIsRollback(true)
                .putLatestVersions(command.getName(), command.getVersion())
                .build();
        pendingLoad = startLoad(rollbackTarget);
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
            retire(takeCurrent(), "removed model");
            retireStats();
            state = withHistory(state.toBuilder().clearCurrent(), removed)
                    .putLatestVersions(command.getName(), command.getVersion())
                    .build();
            events.add(withOrigin(
                            event(ModelEventType.REMOVED, removed, reasonOr(command, "removed by command")).toBuilder()
                                    .setPublisherId(command.getPublisherId()),
                            command.getOrigin())
                    .build());
            matched = true;
        }
        if (!matched) {
            events.add(event(
                    ModelEventType.REJECTED,
                    command,
                    "remove: model '" + command.getName() + "' does not serve data type '" + dataType + "'"));
        } else {
            state = state.toBuilder()
                    .putLatestVersions(command.getName(), command.getVersion())
                    .build();
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
        events.add(event(
                ModelEventType.REJECTED,
                command,
                "stale: " + command.getAction().name().toLowerCase(java.util.Locale.ROOT) + " command version "
                        + command.getVersion() + " is not newer than version "
                        + latest + " of model '" + command.getName()
                        + "' (every command takes the next version number)"));
        return true;
    }

    /** Makes a candidate that finished loading current (or rejects it). Cheap when nothing is loading. */
    public List<ModelEvent> poll() {
        if (pendingLoad == null || !pendingLoad.isDone()) {
            return List.of();
        }
        ModelDescriptor candidate = state.getPending();
        boolean rollback = state.getPendingIsRollback();
        ModelLoads.Loading load = pendingLoad;
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
        retire(takeCurrent(), (rollback ? "rolled back from" : "superseded") + " model");
        long newest = Math.max(state.getLatestVersionsOrDefault(candidate.getName(), 0L), candidate.getVersion());
        ServingSlotState.Builder next =
                state.toBuilder().setCurrent(candidate).putLatestVersions(candidate.getName(), newest);
        if (previous != null) {
            withHistory(next, previous);
            events.add(event(
                    ModelEventType.SUPERSEDED,
                    previous,
                    "superseded by " + candidate.getName() + "@" + candidate.getVersion()));
        }
        // The serving version is never kept twice.
        List<ModelDescriptor> history = new ArrayList<>(next.getHistoryList());
        history.removeIf(h -> sameVersion(h, candidate));
        state = next.clearHistory().addAllHistory(history).build();
        current = model;
        currentFailure = null;
        evicted = false;
        settings.cache().admit(cacheEntry);
        retireStats();
        long activatedAt = settings.clockMillis().getAsLong();
        currentStats = new ServingStats(
                dataType,
                candidate.getName(),
                candidate.getVersion(),
                model.id().sha256(),
                activatedAt,
                activatedAt);
        ModelEvent activated = event(
                rollback ? ModelEventType.ROLLED_BACK : ModelEventType.ACTIVATED,
                candidate,
                rollback ? "rolled back" : "loaded and validated");
        events.add(activated.toBuilder()
                .setModelSha256(model.id().sha256())
                .setPreviousVersion(previous == null ? 0 : previous.getVersion())
                .setPreviousModelName(previous == null ? "" : previous.getName())
                .setLoadMillis(load.loadMillis())
                .setWarmUpMillis(load.warmUp().millis())
                .setWarmUpCalls(load.warmUp().calls())
                .setWarmUpStable(load.warmUp().stable())
                .setWarmUpFirstRoundNanos(load.warmUp().firstRoundNanos())
                .setWarmUpLastRoundNanos(load.warmUp().lastRoundNanos())
                .setSharedInstance(load.shared())
                .build());
        return events;
    }

    /** Scores a record with the current model: SCORED, FAILED (with the reason) or NO_MODEL; never throws. */
    public ServingResult score(DataRecord record) {
        if (!state.hasCurrent()) {
            return ServingResults.noModel(record);
        }
        ServingResult result = scoreWithCurrent(record);
        countResult(result);
        return result;
    }

    /**
     * Scores records with the current model in one {@link Model#scoreBatch} call (one native call for TensorFlow and
     * ONNX): one result per record, in order, as {@link #score} would give each (SCORED, FAILED with the reason, or
     * NO_MODEL); never throws. Each record's latency is the duration of the whole call, the time it spent being
     * scored.
     */
    public List<ServingResult> scoreBatch(List<DataRecord> records) {
        return scoreBatch(records, List.of());
    }

    /**
     * As {@link #scoreBatch(List)}, for records that were held in a micro-batch: {@code arrivalNanos} gives when each
     * arrived ({@link System#nanoTime()}, in record order; empty: unknown), and each result tells how long its record
     * waited before the model call ({@code batch_wait_nanos}).
     */
    public List<ServingResult> scoreBatch(List<DataRecord> records, List<Long> arrivalNanos) {
        if (records.size() == 1 && arrivalNanos.isEmpty()) {
            return List.of(score(records.get(0)));
        }
        List<ServingResult> results = new ArrayList<>(records.size());
        if (!state.hasCurrent()) {
            records.forEach(record -> results.add(ServingResults.noModel(record)));
            return results;
        }
        Model model = currentModel();
        if (model == null) {
            String reason = notServingReason();
            records.forEach(record -> results.add(ServingResults.failed(record, null, reason, 0)));
        } else {
            settings.cache().touch(cacheEntry);
            long start = System.nanoTime();
            boolean waited = arrivalNanos.size() == records.size();
            List<Scored> outcomes;
            String failure = null;
            try {
                outcomes = model.scoreBatch(records);
                if (outcomes.size() != records.size()) {
                    failure = "the model returned " + outcomes.size() + " outcomes for " + records.size() + " records";
                }
            } catch (RuntimeException e) {
                outcomes = List.of();
                failure = "the model failed: " + e;
            }
            long nanos = System.nanoTime() - start;
            ModelLineage scoredBy = lineageOf(model);
            for (int i = 0; i < records.size(); i++) {
                DataRecord record = records.get(i);
                long wait = waited ? Math.max(0, start - arrivalNanos.get(i)) : 0;
                if (failure != null) {
                    results.add(ServingResults.failed(record, scoredBy, failure, nanos, wait));
                    continue;
                }
                Scored outcome = outcomes.get(i);
                if (outcome.ok()) {
                    results.add(ServingResults.scored(record, scoredBy, outcome.prediction(), nanos, wait));
                    watchDrift(record, outcome.prediction());
                } else {
                    results.add(ServingResults.failed(
                            record, scoredBy, outcome.failure().getMessage(), nanos, wait));
                    watchDrift(record, null);
                }
            }
        }
        results.forEach(this::countResult);
        return results;
    }

    private ServingResult scoreWithCurrent(DataRecord record) {
        Model model = currentModel();
        if (model == null) {
            return ServingResults.failed(record, null, notServingReason(), 0);
        }
        settings.cache().touch(cacheEntry);
        long start = System.nanoTime();
        try {
            Prediction prediction = model.score(record);
            ServingResult scored =
                    ServingResults.scored(record, lineageOf(model), prediction, System.nanoTime() - start, 0);
            watchDrift(record, prediction);
            return scored;
        } catch (ScoringException e) {
            watchDrift(record, null);
            return ServingResults.failed(record, model.id(), e.getMessage(), System.nanoTime() - start);
        } catch (RuntimeException e) {
            return ServingResults.failed(record, model.id(), "the model failed: " + e, System.nanoTime() - start);
        }
    }

    /** Counts a result of the current version in its statistics (started at first use after a restore). */
    private void countResult(ServingResult result) {
        if (currentStats == null) {
            ModelDescriptor d = state.getCurrent();
            String sha = current != null ? current.id().sha256() : d.getArtifactSha256();
            long now = settings.clockMillis().getAsLong();
            currentStats = new ServingStats(dataType, d.getName(), d.getVersion(), sha, now, now);
        }
        if (result.getStatus() == dev.modelserving.proto.ServingStatus.SCORED) {
            currentStats.scored(result.getLatencyNanos());
        } else {
            currentStats.failed();
        }
    }

    /**
     * Snapshots of this slot's serving statistics, taken at {@code nowMillis}: the current version's (cumulative,
     * {@code serving} true) and, once each, those of versions that stopped serving since the last call
     * ({@code serving} false). Empty when nothing served here since the last call and nothing is current. A current
     * version that has not answered a record since a restore reports zero counts.
     */
    public List<ModelStats> stats(long nowMillis) {
        List<ModelStats> snapshots = new ArrayList<>(retiredStats.size() + 1);
        for (ServingStats retired : retiredStats) {
            snapshots.add(retired.snapshot(nowMillis, settings.emitter(), false));
        }
        retiredStats.clear();
        if (state.hasCurrent()) {
            ModelDescriptor d = state.getCurrent();
            if (currentStats == null
                    || currentStats.modelVersion() != d.getVersion()
                    || !currentStats.modelName().equals(d.getName())) {
                retireStatsInto(snapshots, nowMillis);
                String sha = current != null ? current.id().sha256() : d.getArtifactSha256();
                currentStats = new ServingStats(dataType, d.getName(), d.getVersion(), sha, nowMillis, nowMillis);
            }
            snapshots.add(withDrift(currentStats.snapshot(nowMillis, settings.emitter(), true)));
        }
        return snapshots;
    }

    /** The current version's statistics with the PSI of each monitored feature's last window (none before one). */
    private ModelStats withDrift(ModelStats stats) {
        Optional<DriftMonitor> monitor = driftMonitor();
        if (monitor.isEmpty() || monitor.get().windows() == 0) {
            return stats;
        }
        ModelStats.Builder withDrift = stats.toBuilder();
        List<String> features = monitor.get().features();
        for (int i = 0; i < features.size(); i++) {
            withDrift.addDrift(FeatureDrift.newBuilder()
                    .setFeature(features.get(i))
                    .setPsi(monitor.get().psi(i)));
        }
        return withDrift.build();
    }

    /** Whether {@link #stats(long)} has anything to report (a current version, or one that stopped serving). */
    public boolean reportsStats() {
        return state.hasCurrent() || !retiredStats.isEmpty();
    }

    private void retireStatsInto(List<ModelStats> snapshots, long nowMillis) {
        if (currentStats != null) {
            snapshots.add(currentStats.snapshot(nowMillis, settings.emitter(), false));
            currentStats = null;
        }
    }

    /** The current version's statistics stop: they are emitted once more, as not serving. */
    private void retireStats() {
        if (currentStats != null) {
            retiredStats.add(currentStats);
            currentStats = null;
            while (retiredStats.size() > MAX_RETIRED_STATS) {
                retiredStats.remove(0); // stats are not emitted (interval 0): keep memory bounded
            }
        }
    }

    /**
     * The drift events (DRIFT_DETECTED / DRIFT_CLEARED) of the current version since the last call, oldest first;
     * the caller publishes them like the other model events. Empty unless the current descriptor carries training
     * statistics.
     */
    public List<ModelEvent> drainEvents() {
        if (driftEvents.isEmpty()) {
            return List.of();
        }
        List<ModelEvent> drained = List.copyOf(driftEvents);
        driftEvents.clear();
        return drained;
    }

    /** The drift monitor of the version serving now, if its descriptor carries training statistics. */
    public Optional<DriftMonitor> driftMonitor() {
        boolean ofCurrent = state.hasCurrent() && driftOf != null && sameVersion(driftOf, state.getCurrent());
        return ofCurrent ? Optional.ofNullable(drift) : Optional.empty();
    }

    /**
     * Feeds a scored record to the current version's drift monitor (made on first use after the version became
     * current: a new version, a rollback or a restore starts a fresh window) and keeps the events of its crossings.
     */
    private void watchDrift(DataRecord record, Prediction prediction) {
        ModelDescriptor serving = state.getCurrent();
        if (driftOf == null || !sameVersion(driftOf, serving)) {
            driftOf = serving;
            drift = DriftMonitor.of(serving, settings.drift()).orElse(null);
        }
        if (drift == null) {
            return;
        }
        for (DriftChange change : drift.observe(record, prediction)) {
            driftEvents.add(event(
                            change.drifted() ? ModelEventType.DRIFT_DETECTED : ModelEventType.DRIFT_CLEARED,
                            serving,
                            String.format(
                                    java.util.Locale.ROOT,
                                    "%s: PSI %.4f over %d records %s threshold %.4f"
                                            + " (%d outside the training range)",
                                    change.feature(),
                                    change.psi(),
                                    change.windowRecords(),
                                    change.drifted() ? "above" : "back below half the",
                                    change.threshold(),
                                    change.outOfRange()))
                    .toBuilder()
                    .setModelSha256(currentId().map(ModelId::sha256).orElse(serving.getArtifactSha256()))
                    .setDriftFeature(change.feature())
                    .setDriftPsi(change.psi())
                    .setDriftThreshold(change.threshold())
                    .setDriftWindowRecords(change.windowRecords())
                    .setDriftOutOfRange(change.outOfRange())
                    .build());
        }
    }

    private ModelLineage lineageOf(Model model) {
        if (lineage == null || lineage.id() != model.id()) { // a model keeps its id: identity is enough
            lineage = ModelLineage.of(model.id());
        }
        return lineage;
    }

    /**
     * The live current model; after a restore or an eviction it is rebuilt from its descriptor, and this waits for
     * the rebuild at most {@link SlotSettings#restoreWaitMillis()} (null after that, or when the rebuild failed).
     */
    public Model currentModel() {
        if (current != null || !state.hasCurrent()) {
            return current;
        }
        if (currentFailure != null) {
            if (retryAtNanos == 0 || System.nanoTime() - retryAtNanos < 0) {
                return null;
            }
            currentFailure = null;
            retryAtNanos = 0;
        }
        prepare();
        ModelDescriptor d = state.getCurrent();
        CompletableFuture<Model> running = rebuild;
        boolean mustWait = !running.isDone();
        long waitStart = System.nanoTime();
        Model model;
        try {
            model = running.get(settings.restoreWaitMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            lastWaitNanos = recordWait(mustWait, waitStart);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lastWaitNanos = recordWait(mustWait, waitStart);
            return null;
        } catch (ExecutionException e) {
            recordWait(mustWait, waitStart);
            rebuild = null;
            currentFailure = "model " + d.getName() + "@" + d.getVersion() + " could not be rebuilt from state: "
                    + reasonOf(e.getCause());
            if (e.getCause() instanceof ModelLoadException failure
                    && failure.problem() == ModelProblem.RESOURCE_LIMIT) {
                retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REBUILD_RETRY_MILLIS);
                currentFailure += " (tried again in " + REBUILD_RETRY_MILLIS + " ms)";
            }
            return null;
        }
        recordWait(mustWait, waitStart);
        rebuild = null;
        current = model;
        evicted = false;
        settings.cache().admit(cacheEntry);
        return current;
    }

    /** Reports a wait of the record path for a rebuild (none when the rebuild was already done). */
    private long recordWait(boolean waited, long waitStart) {
        long nanos = System.nanoTime() - waitStart;
        if (waited) {
            settings.restoreWaits().accept(nanos);
        }
        return nanos;
    }

    /** Why no model scores although a descriptor is current: the rebuild failed, or it is still running. */
    private String notServingReason() {
        if (currentFailure != null) {
            return currentFailure;
        }
        ModelDescriptor d = state.getCurrent();
        return "model " + d.getName() + "@" + d.getVersion() + " is still being rebuilt after "
                + (evicted ? "eviction" : "restore") + " (waited " + TimeUnit.NANOSECONDS.toMillis(lastWaitNanos)
                + " ms)";
    }

    /** Identity of the live current model, if one is built. */
    public Optional<ModelId> currentId() {
        return Optional.ofNullable(current).map(Model::id);
    }

    /**
     * Closes the current model on the calling thread before returning (the operator's close: its native resources
     * must be freed before the task's user-code class loader is released, and nothing waits for a record then); a
     * candidate or rebuild still loading is closed by the retirer when it finishes (the owner of the
     * {@link ModelLoads} waits for those when it closes them).
     */
    @Override
    public void close() {
        Model last = takeCurrent();
        if (last != null) {
            try {
                last.close();
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("closing the current model {} failed", describeCurrent(), e);
            }
        }
        evicted = false;
        if (pendingLoad != null) {
            pendingLoad.whenComplete(retireLoaded("candidate of a closed slot"));
            pendingLoad = null;
        }
    }

    private ModelLoads.Loading startLoad(ModelDescriptor d) {
        return settings.loads().load(settings.loader(), d);
    }

    private void cancelPending(String reason, List<ModelEvent> events) {
        if (!state.hasPending()) {
            return;
        }
        events.add(event(ModelEventType.REJECTED, state.getPending(), reason));
        if (pendingLoad != null) {
            pendingLoad.whenComplete(retireLoaded("cancelled candidate"));
            pendingLoad = null;
        }
        state = state.toBuilder().clearPending().setPendingIsRollback(false).build();
    }

    /**
     * What to do with a model whose load finishes (or finished) after nobody wants it any more: retire it (on the
     * loading thread when it finishes later, at once when it is done already: either way not closed here).
     */
    private BiConsumer<Model, Throwable> retireLoaded(String why) {
        String what = why + " of data type '" + dataType + "'";
        return (model, failure) -> settings.loads().retirer().retire(model, what);
    }

    /** Hands a model that stopped serving here to the retirer, which closes it off this thread. */
    private void retire(Model model, String why) {
        if (model != null) {
            settings.loads().retirer().retire(model, why + " " + describeCurrent());
        }
    }

    /**
     * Takes the live current model out of the slot and out of the cache, and retires a rebuild still running; the
     * caller closes or retires the model returned (null: none was live), which nothing here can reach any more.
     */
    private Model takeCurrent() {
        Model taken = current;
        if (current != null) {
            settings.cache().release(cacheEntry);
            current = null;
        }
        if (rebuild != null) {
            rebuild.whenComplete(retireLoaded("rebuild no longer wanted"));
            rebuild = null;
        }
        currentFailure = null;
        retryAtNanos = 0;
        return taken;
    }

    /** The current version, for the log: {@code name@version of data type 't'}. */
    private String describeCurrent() {
        return cacheEntry.describe();
    }

    /** This slot as the {@link ModelCache} sees it. */
    private final class CacheEntry implements ModelCache.Holder {

        @Override
        public boolean evictIfIdle() {
            if (guard != null && !guard.tryLock()) {
                return false;
            }
            try {
                if (current != null) {
                    Model model = current;
                    current = null;
                    evicted = true;
                    // Often called at another slot's activation: the close must not hold up that swap either.
                    retire(model, "evicted model");
                }
                return true;
            } finally {
                if (guard != null) {
                    guard.unlock();
                }
            }
        }

        @Override
        public String describe() {
            if (!state.hasCurrent()) {
                return "of data type '" + dataType + "'";
            }
            ModelDescriptor d = state.getCurrent();
            return d.getName() + "@" + d.getVersion() + " of data type '" + dataType + "'";
        }
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
                .setPreviousModelName(state.hasCurrent() ? state.getCurrent().getName() : "")
                .setDescriptorTopic(about.getOrigin().getTopic())
                .setDescriptorPartition(about.getOrigin().getPartition())
                .setDescriptorOffset(about.getOrigin().getOffset())
                .build();
    }

    /** The event naming {@code origin} (when known) as the descriptor that caused it. */
    private static ModelEvent.Builder withOrigin(ModelEvent.Builder event, DescriptorOrigin origin) {
        if (origin.getTopic().isEmpty()) {
            return event;
        }
        return event.setDescriptorTopic(origin.getTopic())
                .setDescriptorPartition(origin.getPartition())
                .setDescriptorOffset(origin.getOffset());
    }
}
