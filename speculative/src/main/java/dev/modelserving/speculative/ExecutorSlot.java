package dev.modelserving.speculative;

import dev.modelserving.model.serving.ServingResults;
import dev.modelserving.model.serving.ServingSlot;
import dev.modelserving.model.serving.SlotSettings;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ExecutorAnswer;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelStats;
import dev.modelserving.proto.Provenance;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingSlotState;
import dev.modelserving.proto.SpeculativeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * One executor key's {@link ServingSlot} (the serving job's swap rules, unchanged) with its own scoring thread, so a
 * slow model never delays the answers of the other models on the same subtask. The slot is not thread-safe: every
 * use of it (scoring on the scoring thread; apply, poll and snapshot on the operator thread) holds this holder's
 * lock. Finished scores wait in a queue until the operator thread {@link #drain() drains} them (from a timer), which
 * is where answers are emitted and keyed state is updated.
 *
 * <p>A request still queued after its deadline is not scored (nobody waits for it any more): it completes as
 * skipped, so a model slower than the deadline never builds an unbounded backlog.
 *
 * <p>The queue is bounded ({@code maxQueue}, {@code --max-executor-queue}): a request that finds it full completes at
 * once as FAILED "executor queue of model 'x' is full (n)". The executor does not back-pressure instead: its input
 * is one stream for every model of the subtask, so blocking it for one slow model would hold up the answers of all
 * the others, which is what one thread per executor key exists to avoid; the collector still decides with the
 * answers it has (the FAILED one counts as an answer, so nobody waits for the deadline).
 *
 * <p>The slot's guard is this holder's lock, so the subtask's model cache evicts this slot's model only when no
 * thread uses it, and a request that finds its model evicted (or not yet rebuilt after a restore) waits for the
 * rebuild on the scoring thread, not on the operator thread.
 */
final class ExecutorSlot implements AutoCloseable {

    /** A finished request: its answer and the slot's result, or neither when it was skipped. */
    record Completion(SpeculativeRequest request, ExecutorAnswer answer, ServingResult result, boolean queueFull) {
        Completion(SpeculativeRequest request, ExecutorAnswer answer, ServingResult result) {
            this(request, answer, result, false);
        }

        boolean skipped() {
            return answer == null;
        }
    }

    private final ServingSlot slot;
    private final String modelName;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final ExecutorService scoring;
    private final ConcurrentLinkedQueue<Completion> finished = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final int maxQueue;
    /** Requests waiting for the scoring thread, in arrival order. */
    private final ConcurrentLinkedQueue<SpeculativeRequest> waiting = new ConcurrentLinkedQueue<>();
    /** Most requests the scoring thread scores in one model call (1: one by one). */
    private final int batchSize;

    ExecutorSlot(
            String dataType,
            ServingSlotState restored,
            SlotSettings settings,
            String modelName,
            int maxQueue,
            LongSupplier clock,
            String threadName) {
        this(dataType, restored, settings, modelName, maxQueue, clock, threadName, 1);
    }

    /**
     * @param batchSize most queued requests scored together in one {@link ServingSlot#scoreBatch} call: the scoring
     *     thread takes whatever is waiting, up to this many (adaptive: it never waits for a batch to fill, so batching
     *     adds no latency; under load, batches grow by themselves)
     */
    ExecutorSlot(
            String dataType,
            ServingSlotState restored,
            SlotSettings settings,
            String modelName,
            int maxQueue,
            LongSupplier clock,
            String threadName,
            int batchSize) {
        this.batchSize = batchSize;
        this.slot = new ServingSlot(dataType, restored, settings, lock);
        this.modelName = modelName;
        this.maxQueue = maxQueue;
        this.clock = clock;
        this.scoring = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Queues a request for scoring on this slot's thread; when the queue is full, the request completes at once as
     * FAILED (drained like every other completion).
     */
    void submit(SpeculativeRequest request) {
        inFlight.incrementAndGet();
        if (queued.incrementAndGet() > maxQueue) {
            queued.decrementAndGet();
            ServingResult failed = ServingResults.failed(
                    request.getRecord(),
                    null,
                    "executor queue of model '" + modelName + "' is full (" + maxQueue + ")",
                    0);
            finished.add(new Completion(request, answer(request, failed, Optional.empty()), failed, true));
            return;
        }
        waiting.add(request);
        scoring.execute(this::scoreWaiting);
    }

    /**
     * On the scoring thread: takes up to {@code batchSize} waiting requests and scores them in one call. One task is
     * queued per request, so every request is taken; a task that finds nothing waiting (its request went with an
     * earlier batch) returns at once.
     */
    private void scoreWaiting() {
        List<SpeculativeRequest> batch = new ArrayList<>(Math.min(batchSize, 64));
        SpeculativeRequest next;
        while (batch.size() < batchSize && (next = waiting.poll()) != null) {
            batch.add(next);
            queued.decrementAndGet();
        }
        if (batch.size() == 1) {
            finished.add(scoreOrFail(batch.get(0)));
        } else if (!batch.isEmpty()) {
            finished.addAll(scoreAllOrFail(batch));
        }
    }

    /** Never lets an exception escape the scoring thread: every request of the batch completes. */
    private List<Completion> scoreAllOrFail(List<SpeculativeRequest> batch) {
        try {
            return scoreAll(batch);
        } catch (RuntimeException e) {
            List<Completion> failed = new ArrayList<>(batch.size());
            for (SpeculativeRequest request : batch) {
                ServingResult result = ServingResults.failed(
                        request.getRecord(), null, "the executor of model '" + modelName + "' failed: " + e, 0);
                failed.add(new Completion(request, answer(request, result, Optional.empty()), result));
            }
            return failed;
        }
    }

    /** Scores the requests still within their deadline in one model call; the others are skipped. */
    private List<Completion> scoreAll(List<SpeculativeRequest> batch) {
        long now = clock.getAsLong();
        List<SpeculativeRequest> live = new ArrayList<>(batch.size());
        List<DataRecord> records = new ArrayList<>(batch.size());
        List<Completion> completions = new ArrayList<>(batch.size());
        for (SpeculativeRequest request : batch) {
            if (request.getDeadlineMillis() > 0 && now > request.getDeadlineMillis()) {
                completions.add(new Completion(request, null, null));
            } else {
                live.add(request);
                records.add(request.getRecord());
            }
        }
        if (live.isEmpty()) {
            return completions;
        }
        List<ServingResult> results;
        Optional<ModelDescriptor> serving;
        lock.lock();
        try {
            results = slot.scoreBatch(records);
            serving = slot.currentDescriptor();
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < live.size(); i++) {
            completions.add(new Completion(live.get(i), answer(live.get(i), results.get(i), serving), results.get(i)));
        }
        return completions;
    }

    /** Starts rebuilding the slot's model in the background if it is not live (after a restore). */
    void prepare() {
        lock.lock();
        try {
            slot.prepare();
        } finally {
            lock.unlock();
        }
    }

    /** The answer to a request whose executor key has no model on this subtask (no slot, nothing in state). */
    static ExecutorAnswer noModel(SpeculativeRequest request, String modelName) {
        ServingResult result = ServingResults.noModel(request.getRecord());
        return ExecutorAnswer.newBuilder()
                .setRequestId(request.getRequestId())
                .setModelName(modelName)
                .setStatus(result.getStatus())
                .setError(result.getError())
                .build();
    }

    /** Whether requests are queued or scoring, or finished and not yet drained. */
    boolean busy() {
        return inFlight.get() > 0;
    }

    /** The finished requests since the last drain (operator thread). */
    List<Completion> drain() {
        List<Completion> done = new ArrayList<>();
        Completion next;
        while ((next = finished.poll()) != null) {
            done.add(next);
            inFlight.decrementAndGet();
        }
        return done;
    }

    /** Applies a descriptor (waits for a score in progress). */
    List<ModelEvent> apply(ModelDescriptor descriptor) {
        lock.lock();
        try {
            return slot.apply(descriptor);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Activates a candidate that finished loading, unless the scoring thread holds the slot right now (then empty:
     * the caller polls again on its next timer, so a slow model's scores never block the operator thread).
     */
    Optional<List<ModelEvent>> tryPoll() {
        if (!lock.tryLock()) {
            return Optional.empty();
        }
        try {
            return Optional.of(slot.poll());
        } finally {
            lock.unlock();
        }
    }

    boolean loading() {
        return slot.loading();
    }

    /**
     * The slot's serving statistics ({@link ServingSlot#stats(long)}), unless the scoring thread holds the slot
     * right now (then empty: the caller tries again soon, never blocking the operator thread behind a slow model).
     */
    Optional<List<ModelStats>> tryStats(long nowMillis) {
        if (!lock.tryLock()) {
            return Optional.empty();
        }
        try {
            return Optional.of(slot.stats(nowMillis));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the slot has statistics to report (a current model, or one that stopped serving); true while the
     * scoring thread holds the slot (never blocks).
     */
    boolean reportsStats() {
        if (!lock.tryLock()) {
            return true; // scoring: it serves
        }
        try {
            return slot.reportsStats();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The drift events of the records scored since the last call (operator thread), after bringing the drift
     * metrics of the current version up to date; empty while the scoring thread holds the slot (the slot is busy
     * then, so the next drain timer takes them).
     */
    List<ModelEvent> drainDrift(dev.modelserving.flink.serving.DriftMetrics metrics) {
        if (!lock.tryLock()) {
            return List.of();
        }
        try {
            metrics.observe(slot);
            return slot.drainEvents();
        } finally {
            lock.unlock();
        }
    }

    ServingSlotState snapshot() {
        lock.lock();
        try {
            return slot.snapshot();
        } finally {
            lock.unlock();
        }
    }

    /** Never lets an exception escape the scoring thread: every request completes, so {@link #busy()} ends. */
    private Completion scoreOrFail(SpeculativeRequest request) {
        try {
            return score(request);
        } catch (RuntimeException e) {
            ServingResult failed = ServingResults.failed(
                    request.getRecord(), null, "the executor of model '" + modelName + "' failed: " + e, 0);
            return new Completion(request, answer(request, failed, Optional.empty()), failed);
        }
    }

    private Completion score(SpeculativeRequest request) {
        if (request.getDeadlineMillis() > 0 && clock.getAsLong() > request.getDeadlineMillis()) {
            return new Completion(request, null, null);
        }
        ServingResult result;
        Optional<ModelDescriptor> serving;
        lock.lock();
        try {
            result = slot.score(request.getRecord());
            serving = slot.currentDescriptor();
        } finally {
            lock.unlock();
        }
        return new Completion(request, answer(request, result, serving), result);
    }

    private ExecutorAnswer answer(SpeculativeRequest request, ServingResult result, Optional<ModelDescriptor> serving) {
        ExecutorAnswer.Builder answer = ExecutorAnswer.newBuilder()
                .setRequestId(request.getRequestId())
                .setModelName(modelName)
                .setModelVersion(result.getModelVersion())
                .setModelSha256(result.getModelSha256())
                .setStatus(result.getStatus())
                .addAllOutputs(result.getOutputsList())
                .setLabel(result.getLabel())
                .putAllProbabilities(result.getProbabilitiesMap())
                .setLatencyNanos(result.getLatencyNanos())
                .setError(result.getError());
        if (serving.isPresent()
                && serving.get().hasProvenance()
                && !serving.get().getProvenance().getQualityMetricName().isEmpty()) {
            Provenance provenance = serving.get().getProvenance();
            answer.setQualityMetricName(provenance.getQualityMetricName())
                    .setQualityMetricValue(provenance.getQualityMetricValue())
                    .setHasQualityMetric(true);
        }
        return answer.build();
    }

    @Override
    public void close() {
        scoring.shutdownNow();
        lock.lock();
        try {
            slot.close();
        } finally {
            lock.unlock();
        }
    }
}
