package dev.modelserving.job.serve;

import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Flink's {@link KeyedCoProcessOperator} for a serving function that batches records ({@link BatchFlushing}): the
 * function's held-back records are scored and emitted in {@link #prepareSnapshotPreBarrier(long)}, which Flink calls
 * on the task thread before it sends the checkpoint barrier downstream and before it snapshots state, and in
 * {@link #finish()} at the end of input. So every record that entered the operator before a barrier has its result
 * emitted before that barrier: the batch buffer is empty at every checkpoint and needs no state, and exactly-once
 * holds as without batching (a restored job re-reads every record whose result is not covered by the checkpoint).
 *
 * <p>Why an operator and not the function: a function has no hook before the barrier ({@code snapshotState} of a
 * {@code CheckpointedFunction} runs after the barrier has gone downstream, too late to emit). The operator keeps the
 * keyed state and timer layout of {@link KeyedCoProcessOperator}, so the job's {@code uid}s and savepoints are
 * unchanged. Results flushed this way carry no timestamp, like those emitted from processing-time timers.
 *
 * @param <IN1> records
 * @param <IN2> model descriptors
 * @param <OUT> results
 */
public final class BatchFlushingKeyedCoProcessOperator<IN1, IN2, OUT>
        extends KeyedCoProcessOperator<String, IN1, IN2, OUT> {

    private static final long serialVersionUID = 1L;

    public <F extends KeyedCoProcessFunction<String, IN1, IN2, OUT> & BatchFlushing<OUT>>
            BatchFlushingKeyedCoProcessOperator(F function) {
        super(function);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @SuppressWarnings("unchecked")
    private void flush() throws Exception {
        TimestampedCollector<OUT> collector = getCollector();
        collector.eraseTimestamp();
        ((BatchFlushing<OUT>) userFunction).flushAll(this::setCurrentKey, new BatchOutput<>() {
            @Override
            public void collect(OUT value) {
                collector.collect(value);
            }

            @Override
            public <X> void output(OutputTag<X> tag, X value) {
                output.collect(tag, new StreamRecord<>(value));
            }
        });
    }
}
