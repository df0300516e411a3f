package dev.modelserving.speculative;

import dev.modelserving.flink.serving.ServingRuntime;
import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.flink.serving.StatsSchedule;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.serving.ServingResults;
import dev.modelserving.model.serving.ServingSlot;
import dev.modelserving.proto.CollectorInput;
import dev.modelserving.proto.ExecutorAnswer;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelStats;
import dev.modelserving.proto.ServingSlotState;
import dev.modelserving.proto.SpeculativeRequest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The executor of one model of one data type, keyed by {@link ExecutorKey} (data type + model name). Model
 * descriptors go through the serving job's {@link ServingSlot} (same factories, same swap rules, same background
 * loading with a poll timer as the keyed serving mode; the slot's descriptors are keyed {@link ServingSlotState}).
 *
 * <p>Unlike the keyed serving mode, records are scored off the operator thread, one scoring thread per executor key
 * ({@link ExecutorSlot}): several models share a subtask, and a slow one must not hold up the answers of the fast ones.
 * A 1 ms processing-time timer drains finished scores and emits the answers. Requests being scored are kept in keyed
 * state until their answer is emitted, so a checkpoint taken while they are in flight includes them and a restored
 * job scores them again.
 *
 * <p>Bounds ({@link dev.modelserving.model.serving.ServingBounds}): a request whose executor key has no slot and no
 * state gets NO_MODEL at once (no slot, no thread is created for it); a descriptor of a new executor key beyond
 * {@code --max-data-types} keys on this subtask is REJECTED (RESOURCE_LIMIT); a request finding its executor's
 * queue full ({@code --max-executor-queue}) is answered FAILED at once (metric
 * {@code speculative.requestsRefusedQueueFull}). After a restore, an executor starts rebuilding its model as soon
 * as its key is first touched, and requests wait for it on the scoring thread.
 *
 * <p>Serving statistics ({@link ModelStats} per model version, cumulative on this subtask) go to
 * {@link SpeculativeOutputs#MODEL_STATS} from a processing-time timer per executor key at every multiple of the
 * stats interval; when the scoring thread holds the slot at that moment, they follow at the next drain timer.
 *
 * <p>Micro-batching ({@code --batch-size}): each executor's scoring thread scores the requests waiting in its queue
 * together, up to the batch size, in one {@link ServingSlot#scoreBatch} call (adaptive: it never waits for more, so
 * {@code --batch-timeout-us} does not apply and batching adds no latency). Exactly-once needs no flush here: requests
 * being scored are in keyed state until their answer is emitted, so a checkpoint includes them.
 */
public class ModelExecutor extends KeyedCoProcessFunction<String, SpeculativeRequest, ModelDescriptor, CollectorInput> {

    private static final long serialVersionUID = 1L;

    /** How often a loading candidate is polled, as in the keyed serving mode. */
    public static final long POLL_INTERVAL_MILLIS = 50;
    /** How often finished scores are collected while requests are in flight. */
    public static final long DRAIN_INTERVAL_MILLIS = 1;

    private final ServingSettings settings;
    private final StatsSchedule stats;

    private transient ValueState<ServingSlotState> slotState;
    private transient MapState<String, SpeculativeRequest> inFlight;
    private transient Map<String, ExecutorSlot> slots;
    private transient ServingRuntime runtime;
    private transient Counter skipped;
    private transient Counter queueFull;
    /** Executor keys whose stats tick found the slot busy: their statistics go out at the next timer. */
    private transient Set<String> statsOwed;

    /** Executors without a stats stream. */
    public ModelExecutor(ServingSettings settings) {
        this(settings, StatsSchedule.off());
    }

    public ModelExecutor(ServingSettings settings, StatsSchedule stats) {
        this.settings = settings;
        this.stats = stats;
    }

    @Override
    public void open(OpenContext openContext) {
        slotState = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("executor-slot", ProtoTypeInfo.of(ServingSlotState.class)));
        inFlight = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "executor-in-flight", Types.STRING, ProtoTypeInfo.of(SpeculativeRequest.class)));
        slots = new HashMap<>();
        statsOwed = new HashSet<>();
        runtime = new ServingRuntime(
                getRuntimeContext(),
                settings,
                () -> (int)
                        slots.values().stream().filter(ExecutorSlot::loading).count(),
                () -> slots.size());
        var speculative = getRuntimeContext().getMetricGroup().addGroup("speculative");
        skipped = speculative.counter("requestsSkippedPastDeadline");
        queueFull = speculative.counter("requestsRefusedQueueFull");
    }

    @Override
    public void processElement1(SpeculativeRequest request, Context ctx, Collector<CollectorInput> out)
            throws Exception {
        ExecutorSlot slot = existingSlot(ctx.getCurrentKey());
        if (slot == null) {
            ExecutorAnswer answer = ExecutorSlot.noModel(request, request.getModelName());
            runtime.metrics().record(ServingResults.noModel(request.getRecord()));
            out.collect(CollectorInput.newBuilder().setAnswer(answer).build());
            return;
        }
        inFlight.put(request.getRequestId(), request);
        slot.submit(request);
        scheduleTimers(slot, ctx.timerService());
        statsLater(slot, ctx.timerService());
    }

    @Override
    public void processElement2(ModelDescriptor descriptor, Context ctx, Collector<CollectorInput> out)
            throws Exception {
        ExecutorSlot slot = existingSlot(ctx.getCurrentKey());
        if (slot == null) {
            if (!runtime.admitsNewDataType(slots.size())) {
                refuse(descriptor, ctx);
                return;
            }
            slot = newSlot(ctx.getCurrentKey(), ServingSlotState.getDefaultInstance());
        }
        publish(slot, slot.apply(descriptor), ctx);
        poll(slot, ctx);
        scheduleTimers(slot, ctx.timerService());
        statsLater(slot, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CollectorInput> out) throws Exception {
        ExecutorSlot slot = existingSlot(ctx.getCurrentKey());
        if (slot == null) {
            return; // a timer of a key whose slot has nothing in state any more
        }
        for (ExecutorSlot.Completion done : slot.drain()) {
            inFlight.remove(done.request().getRequestId());
            if (done.skipped()) {
                skipped.inc();
            } else {
                if (done.queueFull()) {
                    queueFull.inc();
                }
                runtime.metrics().record(done.result());
                out.collect(CollectorInput.newBuilder().setAnswer(done.answer()).build());
            }
        }
        poll(slot, ctx);
        for (ModelEvent event : slot.drainDrift(runtime.driftMetrics())) {
            runtime.metrics().record(event);
            runtime.driftMetrics().record(event);
            ctx.output(SpeculativeOutputs.MODEL_EVENTS, event);
        }
        if (stats.isTick(timestamp) || statsOwed.remove(ctx.getCurrentKey())) {
            emitStats(slot, ctx);
        }
        scheduleTimers(slot, ctx.timerService());
        statsLater(slot, ctx.timerService());
    }

    private void emitStats(ExecutorSlot slot, OnTimerContext ctx) {
        Optional<List<ModelStats>> snapshots =
                slot.tryStats(runtime.slotSettings().clockMillis().getAsLong());
        if (snapshots.isEmpty()) {
            statsOwed.add(ctx.getCurrentKey());
            ctx.timerService()
                    .registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + DRAIN_INTERVAL_MILLIS);
            return;
        }
        for (ModelStats snapshot : snapshots.get()) {
            ctx.output(SpeculativeOutputs.MODEL_STATS, snapshot);
        }
    }

    /** The next stats tick of this key, while its slot has statistics to report. */
    private void statsLater(ExecutorSlot slot, TimerService timers) {
        if (stats.enabled() && slot.reportsStats()) {
            timers.registerProcessingTimeTimer(stats.nextTick(timers.currentProcessingTime()));
        }
    }

    @Override
    public void close() throws Exception {
        if (slots != null) {
            slots.values().forEach(ExecutorSlot::close);
            slots.clear();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    /**
     * The slot of an executor key: the live one, or one rebuilt from keyed state after a restore (its model starts
     * rebuilding at once, and it scores again the requests that were in flight at the checkpoint); null when the key
     * has no state.
     */
    private ExecutorSlot existingSlot(String key) throws Exception {
        ExecutorSlot slot = slots.get(key);
        if (slot == null) {
            ServingSlotState stored = slotState.value();
            if (stored == null) {
                return null;
            }
            slot = newSlot(key, stored);
            slot.prepare();
            for (SpeculativeRequest request : inFlight.values()) {
                slot.submit(request);
            }
        }
        return slot;
    }

    private ExecutorSlot newSlot(String key, ServingSlotState state) {
        String dataType = ExecutorKey.dataType(key);
        String modelName = ExecutorKey.modelName(key);
        ExecutorSlot slot = new ExecutorSlot(
                dataType,
                state,
                runtime.slotSettings(),
                modelName,
                runtime.bounds().maxExecutorQueue(),
                System::currentTimeMillis,
                "executor-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + "-" + dataType + "-"
                        + modelName,
                settings.batching().size());
        slots.put(key, slot);
        return slot;
    }

    /** A descriptor of a new executor key beyond the bound: REJECTED, and no slot is created. */
    private void refuse(ModelDescriptor descriptor, Context ctx) {
        ModelEvent event;
        try (ServingSlot unserved = new ServingSlot(
                descriptor.getDataType(), ServingSlotState.getDefaultInstance(), runtime.slotSettings())) {
            event = unserved.rejected(
                    descriptor, runtime.dataTypeRefusal(descriptor.getDataType(), "executor keys (data type + model)"));
        }
        runtime.metrics().record(event);
        ctx.output(SpeculativeOutputs.MODEL_EVENTS, event);
    }

    private void poll(ExecutorSlot slot, Context ctx) throws Exception {
        if (slot.loading()) {
            Optional<List<ModelEvent>> events = slot.tryPoll();
            if (events.isPresent() && !events.get().isEmpty()) {
                publish(slot, events.get(), ctx);
            }
        }
    }

    private void publish(ExecutorSlot slot, List<ModelEvent> events, Context ctx) throws Exception {
        slotState.update(slot.snapshot());
        for (ModelEvent event : events) {
            runtime.metrics().record(event);
            ctx.output(SpeculativeOutputs.MODEL_EVENTS, event);
        }
    }

    private static void scheduleTimers(ExecutorSlot slot, TimerService timers) {
        long now = timers.currentProcessingTime();
        if (slot.busy()) {
            timers.registerProcessingTimeTimer(now + DRAIN_INTERVAL_MILLIS);
        }
        if (slot.loading()) {
            timers.registerProcessingTimeTimer(now + POLL_INTERVAL_MILLIS);
        }
    }
}
