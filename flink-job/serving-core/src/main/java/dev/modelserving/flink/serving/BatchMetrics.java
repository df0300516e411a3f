package dev.modelserving.flink.serving;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Metrics of micro-batching, in the {@code modelServing.batching} group: records per batch ({@code batchSize}), how
 * long each record was held back before its batch was scored ({@code batchWaitNanos}: the latency batching adds on
 * top of the scoring latency) and the number of batches, by why they were flushed ({@code batchesFull},
 * {@code batchesTimedOut}, {@code batchesFlushedEarly}: barrier, model change or end of input).
 */
public final class BatchMetrics {

    /** Why a batch was scored. */
    public enum Flush {
        FULL,
        TIMEOUT,
        EARLY
    }

    private final Histogram size;
    private final Histogram wait;
    private final Counter full;
    private final Counter timedOut;
    private final Counter early;

    public BatchMetrics(MetricGroup operatorGroup) {
        MetricGroup group = operatorGroup.addGroup(ServingMetrics.GROUP).addGroup("batching");
        size = group.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        wait = group.histogram("batchWaitNanos", new DescriptiveStatisticsHistogram(1000));
        full = group.counter("batchesFull");
        timedOut = group.counter("batchesTimedOut");
        early = group.counter("batchesFlushedEarly");
    }

    /** Records a batch about to be scored, at {@code nowNanos}. */
    public void record(RecordBatches.Batch<?> batch, Flush why, long nowNanos) {
        size.update(batch.items().size());
        for (long arrival : batch.arrivalNanos()) {
            wait.update(nowNanos - arrival);
        }
        switch (why) {
            case FULL -> full.inc();
            case TIMEOUT -> timedOut.inc();
            case EARLY -> early.inc();
        }
    }
}
