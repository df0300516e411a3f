package dev.modelserving.speculative;

import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.proto.CollectorInput;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelStats;
import dev.modelserving.proto.ServingResult;
import org.apache.flink.util.OutputTag;

/** The side outputs of the speculative functions. */
public final class SpeculativeOutputs {

    /** Router: the start message of each request, for the collector. */
    public static final OutputTag<CollectorInput> STARTS =
            new OutputTag<>("speculative-starts", ProtoTypeInfo.of(CollectorInput.class));

    /** Router: results it answers itself (NO_MODEL when a data type has no model). */
    public static final OutputTag<ServingResult> RESULTS =
            new OutputTag<>("speculative-router-results", ProtoTypeInfo.of(ServingResult.class));

    /** Executors: model events (activated, rejected, ...); router: REJECTED configurations and models over the cap. */
    public static final OutputTag<ModelEvent> MODEL_EVENTS =
            new OutputTag<>("speculative-model-events", ProtoTypeInfo.of(ModelEvent.class));

    /** Executors: serving statistics per model version, every stats interval (none when it is 0). */
    public static final OutputTag<ModelStats> MODEL_STATS =
            new OutputTag<>("speculative-model-stats", ProtoTypeInfo.of(ModelStats.class));

    private SpeculativeOutputs() {}
}
