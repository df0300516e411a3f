package dev.modelserving.job.serve;

import dev.modelserving.flink.parse.DeadLetters;
import dev.modelserving.flink.parse.RecordInput;
import dev.modelserving.flink.serving.BatchMetrics;
import dev.modelserving.flink.serving.BatchSettings;
import dev.modelserving.flink.serving.RecordBatches;
import dev.modelserving.flink.serving.ServingOutputs;
import dev.modelserving.flink.serving.ServingRuntime;
import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.flink.serving.StatsSchedule;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.serving.ServingSlot;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelStats;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingSlotState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed serving: both streams are keyed by data type; the model descriptors of a data type live in keyed state (a
 * {@link ServingSlotState}), the live model in a transient slot rebuilt from that state after a restore.
 *
 * <p>Records are scored by the data type's current model (NO_MODEL when there is none). Descriptors start a
 * candidate loading on a background thread; a processing-time timer polls it, and it becomes current as soon as it
 * has loaded and validated, so a large model never stalls the scoring of other data types. Model events go to
 * {@link ServingOutputs#MODEL_EVENTS}.
 *
 * <p>Bounds ({@link dev.modelserving.model.serving.ServingBounds}): a record of a data type with no slot and no
 * state gets NO_MODEL without a slot being created; a descriptor of a new data type beyond {@code --max-data-types}
 * slots on this subtask (counted since its start) is REJECTED (RESOURCE_LIMIT). After a restore, a slot starts
 * rebuilding its model in the background at the first element or timer of its key; a record that arrives before
 * the model is ready waits for it at most {@code --restore-wait-ms}.
 *
 * <p>Serving statistics ({@link ModelStats}, cumulative per model version on this subtask) go to
 * {@link ServingOutputs#MODEL_STATS} from a processing-time timer per data type at every multiple of the stats
 * interval, as long as the data type has a current model (and once more after it stopped serving).
 *
 * <p>Micro-batching ({@link dev.modelserving.flink.serving.BatchSettings}, when its size is above 1): the records of
 * a data type are held back until {@code size} of them arrived or a processing-time timer at the first one's arrival
 * + the timeout fires, and are then scored with one {@link ServingSlot#scoreBatch} call; their results go out in
 * arrival order. A descriptor of the data type flushes its batch first (records are scored by the model current when
 * they arrived, as without batching). Run it in a {@link BatchFlushingKeyedCoProcessOperator}, which flushes every
 * batch before each checkpoint barrier and at the end of input, so no record is held across a checkpoint.
 *
 * <p>Records arrive parsed or in their Kafka bytes ({@link RecordInput}); bytes that do not make a valid record go to
 * {@link DeadLetters#TAG} with the reason.
 *
 * @param <IN> the record input's type: {@link DataRecord}, or {@link dev.modelserving.flink.parse.EncodedRecord}
 */
public class KeyedModelServing<IN> extends KeyedCoProcessFunction<String, IN, ModelDescriptor, ServingResult>
        implements BatchFlushing<ServingResult> {

    private static final long serialVersionUID = 1L;

    /** How often a loading candidate is polled, in milliseconds of processing time. */
    public static final long POLL_INTERVAL_MILLIS = 50;

    private final RecordInput<IN> input;
    private final ServingSettings settings;
    private final StatsSchedule stats;

    private transient ValueState<ServingSlotState> slotState;
    private transient Map<String, ServingSlot> slots;
    private transient ServingRuntime runtime;
    /** Held-back records per data type; null when batching is off. */
    private transient RecordBatches<DataRecord> batches;

    private transient BatchMetrics batchMetrics;

    /** Serving without a stats stream. */
    public KeyedModelServing(RecordInput<IN> input, ServingSettings settings) {
        this(input, settings, StatsSchedule.off());
    }

    public KeyedModelServing(RecordInput<IN> input, ServingSettings settings, StatsSchedule stats) {
        this.input = input;
        this.settings = settings;
        this.stats = stats;
    }

    @Override
    public void open(OpenContext openContext) {
        slotState = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("serving-slot", ProtoTypeInfo.of(ServingSlotState.class)));
        slots = new HashMap<>();
        runtime = new ServingRuntime(
                getRuntimeContext(),
                settings,
                () -> (int) slots.values().stream().filter(ServingSlot::loading).count(),
                () -> slots.size());
        if (settings.batching().enabled()) {
            batches = new RecordBatches<>(settings.batching());
            batchMetrics = new BatchMetrics(getRuntimeContext().getMetricGroup());
        }
        input.open(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement1(IN element, Context ctx, Collector<ServingResult> out) throws Exception {
        DataRecord record = input.record(
                element,
                ctx.timerService().currentProcessingTime(),
                deadLetter -> ctx.output(DeadLetters.TAG, deadLetter));
        if (record == null) {
            return;
        }
        ServingSlot slot = existingSlot(ctx.getCurrentKey());
        if (slot == null) {
            ServingResult noModel = dev.modelserving.model.serving.ServingResults.noModel(record);
            runtime.metrics().record(noModel);
            out.collect(noModel);
            return;
        }
        List<ModelEvent> events = slot.poll();
        if (!events.isEmpty()) {
            publish(slot, events, ctx);
        }
        if (batches != null) {
            hold(slot, record, ctx, out);
            return;
        }
        ServingResult result = slot.score(record);
        runtime.metrics().record(result);
        out.collect(result);
        statsLater(slot, ctx);
        publishDrift(slot, ctx);
    }

    /** The drift events of the record just scored (usually none) go out like the other model events. */
    private void publishDrift(ServingSlot slot, Context ctx) {
        publishDrift(slot, (tag, event) -> ctx.output(tag, event));
    }

    private void publishDrift(ServingSlot slot, EventOutput out) {
        runtime.driftMetrics().observe(slot);
        for (ModelEvent event : slot.drainEvents()) {
            runtime.metrics().record(event);
            runtime.driftMetrics().record(event);
            out.output(ServingOutputs.MODEL_EVENTS, event);
        }
    }

    /** A side output of model events. */
    @FunctionalInterface
    private interface EventOutput {
        void output(OutputTag<ModelEvent> tag, ModelEvent event);
    }

    /** Adds a record to its data type's batch; scores the batch when it is full, else makes sure a timer flushes it. */
    private void hold(ServingSlot slot, DataRecord record, Context ctx, Collector<ServingResult> out) {
        String key = ctx.getCurrentKey();
        long now = ctx.timerService().currentProcessingTime();
        boolean starts = !batches.isOpen(key);
        RecordBatches.Batch<DataRecord> full = batches.add(key, record, now);
        if (full != null) {
            scoreBatch(
                    slot,
                    full,
                    batches.isFull(full) ? BatchMetrics.Flush.FULL : BatchMetrics.Flush.TIMEOUT,
                    contextOutput(ctx, out));
        } else if (starts) {
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            BatchSettings.timerFor(now + settings.batching().timerDelayMillis()));
        }
        statsLater(slot, ctx);
    }

    /** Scores a batch with one model call and emits its results in arrival order, then its drift events. */
    private void scoreBatch(
            ServingSlot slot,
            RecordBatches.Batch<DataRecord> batch,
            BatchMetrics.Flush why,
            BatchOutput<ServingResult> out) {
        batchMetrics.record(batch, why, System.nanoTime());
        for (ServingResult result : slot.scoreBatch(batch.items(), batch.arrivalNanos())) {
            runtime.metrics().record(result);
            out.collect(result);
        }
        publishDrift(slot, out::output);
    }

    /** Flushes the batch of the context's key, if any, before something else of that key happens. */
    private void flushKey(Context ctx, Collector<ServingResult> out, boolean onlyIfDue, long now) {
        if (batches == null) {
            return;
        }
        String key = ctx.getCurrentKey();
        RecordBatches.Batch<DataRecord> batch = onlyIfDue ? batches.takeIfDue(key, now) : batches.take(key);
        if (batch != null) {
            scoreBatch(
                    slots.get(key),
                    batch,
                    onlyIfDue ? BatchMetrics.Flush.TIMEOUT : BatchMetrics.Flush.EARLY,
                    contextOutput(ctx, out));
        }
    }

    private BatchOutput<ServingResult> contextOutput(Context ctx, Collector<ServingResult> out) {
        return new BatchOutput<>() {
            @Override
            public void collect(ServingResult value) {
                out.collect(value);
            }

            @Override
            public <X> void output(OutputTag<X> tag, X value) {
                ctx.output(tag, value);
            }
        };
    }

    /**
     * Scores and emits every held-back record, batch by batch, each under its key; called by
     * {@link BatchFlushingKeyedCoProcessOperator} before every checkpoint barrier and at the end of input.
     */
    @Override
    public void flushAll(Consumer<String> setKey, BatchOutput<ServingResult> out) {
        if (batches == null) {
            return;
        }
        for (String key : batches.keys()) {
            setKey.accept(key);
            RecordBatches.Batch<DataRecord> batch = batches.take(key);
            scoreBatch(slots.get(key), batch, BatchMetrics.Flush.EARLY, out);
        }
    }

    @Override
    public void processElement2(ModelDescriptor descriptor, Context ctx, Collector<ServingResult> out)
            throws Exception {
        flushKey(ctx, out, false, 0);
        ServingSlot slot = existingSlot(ctx.getCurrentKey());
        if (slot == null) {
            if (!runtime.admitsNewDataType(slots.size())) {
                refuse(descriptor, ctx);
                return;
            }
            slot = new ServingSlot(ctx.getCurrentKey(), ServingSlotState.getDefaultInstance(), runtime.slotSettings());
            slots.put(ctx.getCurrentKey(), slot);
        }
        publish(slot, slot.apply(descriptor), ctx);
        publish(slot, slot.poll(), ctx);
        pollLater(slot, ctx.timerService().currentProcessingTime(), ctx);
        statsLater(slot, ctx);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ServingResult> out) throws Exception {
        ServingSlot slot = existingSlot(ctx.getCurrentKey());
        if (slot == null) {
            return;
        }
        flushKey(ctx, out, true, BatchSettings.firingTime(timestamp));
        List<ModelEvent> events = slot.poll();
        if (!events.isEmpty()) {
            publish(slot, events, ctx);
        }
        pollLater(slot, timestamp, ctx);
        if (stats.isTick(timestamp)) {
            for (ModelStats snapshot :
                    slot.stats(runtime.slotSettings().clockMillis().getAsLong())) {
                ctx.output(ServingOutputs.MODEL_STATS, snapshot);
            }
        }
        statsLater(slot, ctx);
    }

    @Override
    public void close() throws Exception {
        if (slots != null) {
            slots.values().forEach(ServingSlot::close);
            slots.clear();
        }
        if (runtime != null) {
            runtime.close();
        }
    }

    /**
     * The slot of a data type: the live one, or one rebuilt from keyed state (after a restore or a rescale), whose
     * model starts rebuilding in the background at once; null when the data type has no state.
     */
    private ServingSlot existingSlot(String dataType) throws Exception {
        ServingSlot slot = slots.get(dataType);
        if (slot == null) {
            ServingSlotState stored = slotState.value();
            if (stored == null) {
                return null;
            }
            slot = new ServingSlot(dataType, stored, runtime.slotSettings());
            slots.put(dataType, slot);
            slot.prepare();
        }
        return slot;
    }

    /** A descriptor of a new data type beyond the bound: REJECTED, and no slot or state is created. */
    private void refuse(ModelDescriptor descriptor, Context ctx) {
        ModelEvent event;
        try (ServingSlot unserved = new ServingSlot(
                descriptor.getDataType(), ServingSlotState.getDefaultInstance(), runtime.slotSettings())) {
            event = unserved.rejected(descriptor, runtime.dataTypeRefusal(descriptor.getDataType(), "data types"));
        }
        runtime.metrics().record(event);
        ctx.output(ServingOutputs.MODEL_EVENTS, event);
    }

    private void publish(ServingSlot slot, List<ModelEvent> events, Context ctx) throws Exception {
        slotState.update(slot.snapshot());
        for (ModelEvent event : events) {
            runtime.metrics().record(event);
            ctx.output(ServingOutputs.MODEL_EVENTS, event);
        }
    }

    /** The next stats tick of this key, while its slot has statistics to report. */
    private void statsLater(ServingSlot slot, Context ctx) {
        if (stats.enabled() && slot.reportsStats()) {
            ctx.timerService()
                    .registerProcessingTimeTimer(
                            stats.nextTick(ctx.timerService().currentProcessingTime()));
        }
    }

    private void pollLater(ServingSlot slot, long now, Context ctx) {
        if (slot.loading()) {
            ctx.timerService().registerProcessingTimeTimer(now + POLL_INTERVAL_MILLIS);
        }
    }
}
