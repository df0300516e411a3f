package dev.modelserving.job.serve;

import dev.modelserving.flink.serving.BatchSettings;
import org.apache.flink.streaming.api.functions.co.CoFlatMapFunction;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.operators.co.CoStreamFlatMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Flink's {@link CoStreamFlatMap} for a non-keyed serving function that batches records ({@link BatchFlushing}). A
 * CoFlatMap has no timers, so the operator gives it two things:
 * <ul>
 *   <li>the timeout: after every element it asks the function for its earliest batch deadline and registers a
 *       callback on the operator's processing-time service (run on the task thread, between elements), which flushes
 *       the batches that are due;</li>
 *   <li>exactly-once: every held-back record is scored and emitted in {@link #prepareSnapshotPreBarrier(long)},
 *       before the checkpoint barrier goes downstream and before state is snapshotted, and in {@link #finish()} at the
 *       end of input, so no record is held across a checkpoint and the buffer needs no state.</li>
 * </ul>
 * Its state layout is {@link CoStreamFlatMap}'s (the function's operator state), so the job's {@code uid}s and
 * savepoints are unchanged. Results flushed outside an element carry no timestamp.
 *
 * @param <IN1> records
 * @param <IN2> model descriptors
 * @param <OUT> outputs
 */
public final class BatchFlushingCoFlatMapOperator<IN1, IN2, OUT> extends CoStreamFlatMap<IN1, IN2, OUT> {

    private static final long serialVersionUID = 1L;

    /** The earliest flush callback registered and not run yet ({@link Long#MAX_VALUE}: none). */
    private transient long timerAt;

    public <F extends CoFlatMapFunction<IN1, IN2, OUT> & BatchFlushing<OUT>> BatchFlushingCoFlatMapOperator(
            F function) {
        super(function);
    }

    @SuppressWarnings("unchecked")
    private BatchFlushing<OUT> batching() {
        return (BatchFlushing<OUT>) userFunction;
    }

    @Override
    public void open() throws Exception {
        timerAt = Long.MAX_VALUE;
        batching().useProcessingTime(() -> getProcessingTimeService().getCurrentProcessingTime());
        super.open();
    }

    @Override
    public void processElement1(StreamRecord<IN1> element) throws Exception {
        super.processElement1(element);
        scheduleFlush();
    }

    @Override
    public void processElement2(StreamRecord<IN2> element) throws Exception {
        super.processElement2(element);
        scheduleFlush();
    }

    private void scheduleFlush() {
        long next = batching().nextFlushMillis();
        if (next == Long.MAX_VALUE) {
            return;
        }
        long timer = BatchSettings.timerFor(next);
        if (timer < timerAt) {
            timerAt = timer;
            getProcessingTimeService().registerTimer(timer, this::onFlushTime);
        }
    }

    private void onFlushTime(long time) throws Exception {
        if (time >= timerAt) {
            timerAt = Long.MAX_VALUE;
        }
        batching().flushDue(BatchSettings.firingTime(time), output());
        scheduleFlush();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        batching().flushAll(key -> {}, output());
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        batching().flushAll(key -> {}, output());
        super.finish();
    }

    private BatchOutput<OUT> output() {
        TimestampedCollector<OUT> collector = getCollector();
        collector.eraseTimestamp();
        return new BatchOutput<>() {
            @Override
            public void collect(OUT value) {
                collector.collect(value);
            }

            @Override
            public <X> void output(OutputTag<X> tag, X value) {
                BatchFlushingCoFlatMapOperator.this.output.collect(tag, new StreamRecord<>(value));
            }
        };
    }
}
