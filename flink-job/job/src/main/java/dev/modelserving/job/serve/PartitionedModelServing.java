package dev.modelserving.job.serve;

import dev.modelserving.flink.parse.RecordInput;
import dev.modelserving.flink.serving.BatchMetrics;
import dev.modelserving.flink.serving.RecordBatches;
import dev.modelserving.flink.serving.ServingRuntime;
import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.flink.serving.StatsSchedule;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.serving.ServingSlot;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelStats;
import dev.modelserving.proto.ServingOutput;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingSlotState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.RichCoFlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Partitioned serving: records are spread over the subtasks, model descriptors are broadcast to all of them, and
 * every subtask serves every data type. Slots are kept in union list state, so a job restored at another
 * parallelism serves every model on every subtask. A CoFlatMap has no timers: a candidate that finished loading
 * becomes current at the next element this subtask receives (before that element is scored).
 *
 * <p>Emits {@link ServingOutput}s (results and model events); {@link SplitServingOutput} separates them.
 *
 * <p>Bounds ({@link dev.modelserving.model.serving.ServingBounds}): a descriptor of a new data type beyond
 * {@code --max-data-types} slots is REJECTED (RESOURCE_LIMIT) and its records get NO_MODEL. After a restore, every
 * restored slot starts rebuilding its model in the background in {@code open()} (as many as the live model bound
 * holds); a record that arrives before its model is ready waits for it at most {@code --restore-wait-ms}.
 *
 * <p>Serving statistics ({@link ModelStats} per model version, cumulative on this subtask) are emitted as
 * {@link ServingOutput}s too. Without timers, they are emitted when an element arrives and the stats interval has
 * passed since the last emission: a subtask that receives nothing emits no statistics (its last ones stay the
 * latest on the stats topic).
 *
 * <p>Micro-batching ({@link dev.modelserving.flink.serving.BatchSettings}, when its size is above 1): the records of
 * a data type are held back until {@code size} of them arrived or the timeout after the first one passed, then
 * scored with one {@link ServingSlot#scoreBatch} call, results in arrival order. A descriptor of the data type
 * flushes its batch first. Run it in a {@link BatchFlushingCoFlatMapOperator}: it drives the timeout with processing-
 * time callbacks and flushes every batch before each checkpoint barrier and at the end of input, so the union state
 * never needs to hold records.
 *
 * <p>Records arrive parsed or in their Kafka bytes ({@link RecordInput}); bytes that do not make a valid record are
 * emitted as dead letters ({@link ServingOutput#getDeadLetter()}) with the reason.
 *
 * @param <IN> the record input's type: {@link DataRecord}, or {@link dev.modelserving.flink.parse.EncodedRecord}
 */
public class PartitionedModelServing<IN> extends RichCoFlatMapFunction<IN, ModelDescriptor, ServingOutput>
        implements CheckpointedFunction, BatchFlushing<ServingOutput> {

    private static final long serialVersionUID = 1L;

    private final RecordInput<IN> input;
    private final ServingSettings settings;
    private final StatsSchedule stats;

    private transient ListState<ServingSlotState> checkpointedSlots;
    private transient Map<String, ServingSlotState> restored;
    private transient Map<String, ServingSlot> slots;
    private transient ServingRuntime runtime;
    private transient long lastStatsMillis;
    /** Held-back records per data type; null when batching is off. */
    private transient RecordBatches<DataRecord> batches;

    private transient BatchMetrics batchMetrics;
    /** Processing time as the operator sees it (its timer service), for batch deadlines. */
    private transient LongSupplier processingTime;

    /** Serving without a stats stream. */
    public PartitionedModelServing(RecordInput<IN> input, ServingSettings settings) {
        this(input, settings, StatsSchedule.off());
    }

    public PartitionedModelServing(RecordInput<IN> input, ServingSettings settings, StatsSchedule stats) {
        this.input = input;
        this.settings = settings;
        this.stats = stats;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointedSlots = context.getOperatorStateStore()
                .getUnionListState(
                        new ListStateDescriptor<>("serving-slots", ProtoTypeInfo.of(ServingSlotState.class)));
        restored = new LinkedHashMap<>();
        if (context.isRestored()) {
            // Every subtask checkpointed the same broadcast slots: keep one copy per data type.
            for (ServingSlotState state : checkpointedSlots.get()) {
                restored.putIfAbsent(state.getDataType(), state);
            }
        }
    }

    @Override
    public void open(OpenContext openContext) {
        slots = new HashMap<>();
        runtime = new ServingRuntime(
                getRuntimeContext(),
                settings,
                () -> (int) slots.values().stream().filter(ServingSlot::loading).count(),
                () -> slots.size());
        restored.forEach(
                (dataType, state) -> slots.put(dataType, new ServingSlot(dataType, state, runtime.slotSettings())));
        restored.clear();
        lastStatsMillis = runtime.slotSettings().clockMillis().getAsLong();
        // Rebuild off the record path, but no more models than the cache keeps live (the others on demand).
        slots.values().stream().limit(runtime.bounds().maxLiveModels()).forEach(ServingSlot::prepare);
        if (settings.batching().enabled()) {
            batches = new RecordBatches<>(settings.batching());
            batchMetrics = new BatchMetrics(getRuntimeContext().getMetricGroup());
        }
        if (processingTime == null) {
            processingTime = System::currentTimeMillis;
        }
        input.open(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void useProcessingTime(LongSupplier clock) {
        processingTime = clock;
    }

    @Override
    public long nextFlushMillis() {
        return batches == null ? Long.MAX_VALUE : batches.earliestDeadlineMillis();
    }

    @Override
    public void flushDue(long nowMillis, BatchOutput<ServingOutput> out) {
        if (batches == null) {
            return;
        }
        for (String dataType : batches.keys()) {
            RecordBatches.Batch<DataRecord> batch = batches.takeIfDue(dataType, nowMillis);
            if (batch != null) {
                scoreBatch(dataType, batch, BatchMetrics.Flush.TIMEOUT, out::collect);
            }
        }
    }

    /** Scores and emits every held-back record; called before every checkpoint barrier and at the end of input. */
    @Override
    public void flushAll(Consumer<String> setKey, BatchOutput<ServingOutput> out) {
        if (batches == null) {
            return;
        }
        for (String dataType : batches.keys()) {
            scoreBatch(dataType, batches.take(dataType), BatchMetrics.Flush.EARLY, out::collect);
        }
    }

    private void flushDataType(String dataType, Collector<ServingOutput> out) {
        if (batches != null) {
            RecordBatches.Batch<DataRecord> batch = batches.take(dataType);
            if (batch != null) {
                scoreBatch(dataType, batch, BatchMetrics.Flush.EARLY, out::collect);
            }
        }
    }

    /** Scores a batch with one model call: results in arrival order, then drift events. */
    private void scoreBatch(
            String dataType,
            RecordBatches.Batch<DataRecord> batch,
            BatchMetrics.Flush why,
            Consumer<ServingOutput> out) {
        ServingSlot slot = slots.get(dataType);
        batchMetrics.record(batch, why, System.nanoTime());
        for (ServingResult result : slot.scoreBatch(batch.items(), batch.arrivalNanos())) {
            runtime.metrics().record(result);
            out.accept(ServingOutput.newBuilder().setResult(result).build());
        }
        runtime.driftMetrics().observe(slot);
        for (ModelEvent event : slot.drainEvents()) {
            runtime.driftMetrics().record(event);
            runtime.metrics().record(event);
            out.accept(ServingOutput.newBuilder().setEvent(event).build());
        }
    }

    @Override
    public void flatMap1(IN element, Collector<ServingOutput> out) {
        DataRecord record = input.record(
                element,
                processingTime.getAsLong(),
                deadLetter -> out.collect(
                        ServingOutput.newBuilder().setDeadLetter(deadLetter).build()));
        if (record == null) {
            return;
        }
        pollLoading(out);
        ServingSlot slot = slots.get(record.getDataType());
        if (slot != null && batches != null) {
            RecordBatches.Batch<DataRecord> full =
                    batches.add(record.getDataType(), record, processingTime.getAsLong());
            if (full != null) {
                scoreBatch(
                        record.getDataType(),
                        full,
                        batches.isFull(full) ? BatchMetrics.Flush.FULL : BatchMetrics.Flush.TIMEOUT,
                        out::collect);
            }
            statsIfDue(out);
            return;
        }
        ServingResult result =
                slot == null ? dev.modelserving.model.serving.ServingResults.noModel(record) : slot.score(record);
        runtime.metrics().record(result);
        out.collect(ServingOutput.newBuilder().setResult(result).build());
        if (slot != null) {
            runtime.driftMetrics().observe(slot);
            List<ModelEvent> drift = slot.drainEvents();
            drift.forEach(runtime.driftMetrics()::record);
            emit(drift, out);
        }
        statsIfDue(out);
    }

    @Override
    public void flatMap2(ModelDescriptor descriptor, Collector<ServingOutput> out) {
        flushDataType(descriptor.getDataType(), out);
        pollLoading(out);
        ServingSlot slot = slots.get(descriptor.getDataType());
        if (slot == null) {
            if (!runtime.admitsNewDataType(slots.size())) {
                try (ServingSlot unserved = new ServingSlot(
                        descriptor.getDataType(), ServingSlotState.getDefaultInstance(), runtime.slotSettings())) {
                    emit(
                            List.of(unserved.rejected(
                                    descriptor, runtime.dataTypeRefusal(descriptor.getDataType(), "data types"))),
                            out);
                }
                return;
            }
            slot = new ServingSlot(
                    descriptor.getDataType(), ServingSlotState.getDefaultInstance(), runtime.slotSettings());
            slots.put(descriptor.getDataType(), slot);
        }
        emit(slot.apply(descriptor), out);
        emit(slot.poll(), out);
        statsIfDue(out);
    }

    /** Every slot's statistics, when the stats interval has passed since the last emission. */
    private void statsIfDue(Collector<ServingOutput> out) {
        long now = runtime.slotSettings().clockMillis().getAsLong();
        if (!stats.due(lastStatsMillis, now)) {
            return;
        }
        lastStatsMillis = now;
        for (ServingSlot slot : slots.values()) {
            for (ModelStats snapshot : slot.stats(now)) {
                out.collect(ServingOutput.newBuilder().setStats(snapshot).build());
            }
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<ServingSlotState> states = new ArrayList<>(slots.size());
        for (ServingSlot slot : slots.values()) {
            states.add(slot.snapshot());
        }
        checkpointedSlots.update(states);
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

    private void pollLoading(Collector<ServingOutput> out) {
        for (ServingSlot slot : slots.values()) {
            if (slot.loading()) {
                emit(slot.poll(), out);
            }
        }
    }

    private void emit(List<ModelEvent> events, Collector<ServingOutput> out) {
        for (ModelEvent event : events) {
            runtime.metrics().record(event);
            out.collect(ServingOutput.newBuilder().setEvent(event).build());
        }
    }
}
