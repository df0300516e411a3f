package dev.modelserving.job.serve;

import dev.modelserving.flink.parse.DeadLetters;
import dev.modelserving.flink.serving.ServingOutputs;
import dev.modelserving.proto.ServingOutput;
import dev.modelserving.proto.ServingResult;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Separates what the partitioned serving function emits: results on the main output; events, serving statistics and
 * dead letters on side outputs ({@link ServingOutputs#MODEL_EVENTS}, {@link ServingOutputs#MODEL_STATS},
 * {@link DeadLetters#TAG}).
 */
public class SplitServingOutput extends ProcessFunction<ServingOutput, ServingResult> {

    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(ServingOutput output, Context ctx, Collector<ServingResult> out) {
        switch (output.getKindCase()) {
            case RESULT -> out.collect(output.getResult());
            case EVENT -> ctx.output(ServingOutputs.MODEL_EVENTS, output.getEvent());
            case STATS -> ctx.output(ServingOutputs.MODEL_STATS, output.getStats());
            case DEAD_LETTER -> ctx.output(DeadLetters.TAG, output.getDeadLetter());
            case KIND_NOT_SET -> throw new IllegalStateException("a serving output with neither result nor event");
        }
    }
}
