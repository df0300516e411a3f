package dev.modelserving.flink.serving;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Job options of micro-batching: the serving operators collect up to {@link #BATCH_SIZE} records per model, or for at
 * most {@link #BATCH_TIMEOUT_US} microseconds after the first of them, and score them with one
 * {@link dev.modelserving.model.Model#scoreBatch} call (one native call for TensorFlow and ONNX models).
 */
public final class BatchingOptions {

    /**
     * Most records per batch; 1 scores every record as it arrives (no batching). Default 32: TensorFlow's fixed cost
     * per {@code session.run} (~35–40 µs) makes a batch of 32 cost about what one record does, and ONNX Runtime's
     * per-call overhead is amortised the same way, while a batch of 784-float records stays at 100 KB.
     */
    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOptions.key("model-serving.batch-size")
            .intType()
            .defaultValue(BatchSettings.DEFAULT_SIZE)
            .withDescription("Most records scored together in one model call (1: no batching).");

    /**
     * Longest time a record waits for its batch to fill, in microseconds, counted from the first record of the batch.
     * Default 1000 (1 ms, the resolution of Flink's processing-time timers): the latency batching adds is at most
     * this, far below the checkpoint interval that exactly-once output adds anyway.
     */
    public static final ConfigOption<Long> BATCH_TIMEOUT_US = ConfigOptions.key("model-serving.batch-timeout-us")
            .longType()
            .defaultValue(BatchSettings.DEFAULT_TIMEOUT_MICROS)
            .withDescription("Longest wait of a record for its batch to fill, in microseconds: the next record after"
                    + " it closes the batch; when the stream stops, a processing-time timer does (whole milliseconds,"
                    + " rounded up).");

    private BatchingOptions() {}
}
