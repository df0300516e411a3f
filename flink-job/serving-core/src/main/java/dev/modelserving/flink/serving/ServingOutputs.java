package dev.modelserving.flink.serving;

import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelStats;
import org.apache.flink.util.OutputTag;

/** Side outputs of the serving functions. */
public final class ServingOutputs {

    /** Model events (activated, rejected, superseded, rolled back, removed). */
    public static final OutputTag<ModelEvent> MODEL_EVENTS =
            new OutputTag<>("model-events", ProtoTypeInfo.of(ModelEvent.class));

    /** Serving statistics per model version, every {@code --stats-interval-ms} (none when it is 0). */
    public static final OutputTag<ModelStats> MODEL_STATS =
            new OutputTag<>("model-stats", ProtoTypeInfo.of(ModelStats.class));

    private ServingOutputs() {}
}
