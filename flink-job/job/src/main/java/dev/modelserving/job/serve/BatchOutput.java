package dev.modelserving.job.serve;

import org.apache.flink.util.OutputTag;

/**
 * Where a serving function emits what a batch produces: its main output and side outputs. Inside
 * {@code processElement} and {@code onTimer} it wraps the function's collector and context; before a checkpoint
 * barrier and at the end of input, the operator's own output (there is no function context then).
 *
 * @param <OUT> the main output type
 */
public interface BatchOutput<OUT> {

    /** Emits to the main output. */
    void collect(OUT value);

    /** Emits to a side output. */
    <X> void output(OutputTag<X> tag, X value);
}
