package dev.modelserving.speculative;

import dev.modelserving.flink.serving.ServingRuntime;
import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.serving.ServingSlot;
import dev.modelserving.proto.CollectorInput;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ServingSlotState;
import dev.modelserving.proto.SpeculativeRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
public class ModelExecutor
        extends KeyedCoProcessFunction<String, SpeculativeRequest, ModelDescriptor, CollectorInput> {

    private static final long serialVersionUID = 1L;

    /** How often a loading candidate is polled, as in the keyed serving mode. */
    public static final long POLL_INTERVAL_MILLIS = 50;
    /** How often finished scores are collected while requests are in flight. */
    public static final long DRAIN_INTERVAL_MILLIS = 1;

    private final ServingSettings settings;

    private transient ValueState<ServingSlotState> slotState;
    private transient MapState<String, SpeculativeRequest> inFlight;
    private transient Map<String, ExecutorSlot> slots;
    private transient ServingRuntime runtime;
    private transient Counter skipped;

    public ModelExecutor(ServingSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext openContext) {
        slotState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("executor-slot", ProtoTypeInfo.of(ServingSlotState.class)));
        inFlight = getRuntimeContext().getMapState(new MapStateDescriptor<>("executor-in-flight", Types.STRING,
                ProtoTypeInfo.of(SpeculativeRequest.class)));
        slots = new HashMap<>();
        runtime = new ServingRuntime(getRuntimeContext(), settings,
                () -> (int) slots.values().stream().filter(ExecutorSlot::loading).count());
        skipped = getRuntimeContext().getMetricGroup().addGroup("speculative").counter("requestsSkippedPastDeadline");
    }

    @Override
    public void processElement1(SpeculativeRequest request, Context ctx, Collector<CollectorInput> out)
            throws Exception {
        ExecutorSlot slot = slot(ctx.getCurrentKey());
        inFlight.put(request.getRequestId(), request);
        slot.submit(request);
        scheduleTimers(slot, ctx.timerService());
    }

    @Override
    public void processElement2(ModelDescriptor descriptor, Context ctx, Collector<CollectorInput> out)
            throws Exception {
        ExecutorSlot slot = slot(ctx.getCurrentKey());
        publish(slot, slot.apply(descriptor), ctx);
        poll(slot, ctx);
        scheduleTimers(slot, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<CollectorInput> out) throws Exception {
        ExecutorSlot slot = slot(ctx.getCurrentKey());
        for (ExecutorSlot.Completion done : slot.drain()) {
            inFlight.remove(done.request().getRequestId());
            if (done.skipped()) {
                skipped.inc();
            } else {
                runtime.metrics().record(done.result());
                out.collect(CollectorInput.newBuilder().setAnswer(done.answer()).build());
            }
        }
        poll(slot, ctx);
        scheduleTimers(slot, ctx.timerService());
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
     * The slot of an executor key: the live one, or one rebuilt from keyed state after a restore, which then scores
     * again the requests that were in flight at the checkpoint.
     */
    private ExecutorSlot slot(String key) throws Exception {
        ExecutorSlot slot = slots.get(key);
        if (slot == null) {
            ServingSlotState stored = slotState.value();
            String dataType = ExecutorKey.dataType(key);
            String modelName = ExecutorKey.modelName(key);
            slot = new ExecutorSlot(
                    new ServingSlot(dataType, stored == null ? ServingSlotState.getDefaultInstance() : stored,
                            runtime.slotSettings()),
                    modelName, System::currentTimeMillis,
                    "executor-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() + "-" + dataType + "-"
                            + modelName);
            slots.put(key, slot);
            for (SpeculativeRequest request : inFlight.values()) {
                slot.submit(request);
            }
        }
        return slot;
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
