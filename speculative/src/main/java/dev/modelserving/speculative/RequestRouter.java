package dev.modelserving.speculative;

import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.serving.ServingResults;
import dev.modelserving.proto.CollectorInput;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.RequestStart;
import dev.modelserving.proto.RouterControl;
import dev.modelserving.proto.RouterState;
import dev.modelserving.proto.SpeculativeConfig;
import dev.modelserving.proto.SpeculativeRequest;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The router (starter) of the speculative mode, keyed by data type. It knows the data type's models (names of the
 * descriptors seen; a REMOVE drops a name) and its {@link SpeculativeConfig} (a version not newer than the current one
 * is ignored; changes apply to the next record). Every record gets a request id ({@code <data type>#<sequence>}, the
 * sequence in keyed state, so ids are the same when a restored job replays); one {@link SpeculativeRequest} per model
 * asked goes to the executors (main output) and a {@link RequestStart} with the absolute deadline (processing time
 * of receipt + the deadline) to the collector ({@link SpeculativeOutputs#STARTS}). A data type with no model gets a
 * NO_MODEL result at once ({@link SpeculativeOutputs#RESULTS}).
 */
public class RequestRouter extends KeyedCoProcessFunction<String, DataRecord, RouterControl, SpeculativeRequest> {

    private static final long serialVersionUID = 1L;

    private final long defaultDeadlineMillis;

    private transient ValueState<RouterState> state;
    private transient Counter routed;
    private transient Counter noModel;
    private transient Counter configsIgnored;

    /** @param defaultDeadlineMillis the deadline of data types without a configuration (or one without a deadline) */
    public RequestRouter(long defaultDeadlineMillis) {
        if (defaultDeadlineMillis <= 0) {
            throw new IllegalArgumentException("default deadline must be positive, got " + defaultDeadlineMillis);
        }
        this.defaultDeadlineMillis = defaultDeadlineMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(
                new ValueStateDescriptor<>("speculative-router", ProtoTypeInfo.of(RouterState.class)));
        var group = getRuntimeContext().getMetricGroup().addGroup("speculative");
        routed = group.counter("requestsRouted");
        noModel = group.counter("requestsNoModel");
        configsIgnored = group.counter("configsIgnored");
    }

    @Override
    public void processElement1(DataRecord record, Context ctx, Collector<SpeculativeRequest> out) throws Exception {
        RouterState current = current();
        RoutingPlan plan = RoutingPlan.of(current.hasConfig() ? current.getConfig() : null, current.getModelsList(),
                defaultDeadlineMillis);
        if (plan.models().isEmpty()) {
            noModel.inc();
            ctx.output(SpeculativeOutputs.RESULTS, ServingResults.noModel(record).toBuilder()
                    .setStrategy(plan.strategy().name()).build());
            return;
        }
        long sequence = current.getNextSequence();
        state.update(current.toBuilder().setNextSequence(sequence + 1).build());
        String requestId = ctx.getCurrentKey() + "#" + sequence;
        long now = ctx.timerService().currentProcessingTime();
        long deadline = now + plan.deadlineMillis();
        ctx.output(SpeculativeOutputs.STARTS, CollectorInput.newBuilder().setStart(RequestStart.newBuilder()
                .setRequestId(requestId)
                .setRecord(record.toBuilder().clearFeatures().clearVector().clearVectorShape())
                .addAllExpectedModels(plan.models())
                .setDeadlineMillis(deadline)
                .setDeadlineBudgetMillis(plan.deadlineMillis())
                .setStrategy(plan.strategy())
                .setPrimaryModel(plan.primary())
                .setRoutedAtMillis(now)).build());
        for (String model : plan.models()) {
            out.collect(SpeculativeRequest.newBuilder().setRequestId(requestId).setModelName(model)
                    .setRecord(record).setDeadlineMillis(deadline).build());
        }
        routed.inc();
    }

    @Override
    public void processElement2(RouterControl control, Context ctx, Collector<SpeculativeRequest> out)
            throws Exception {
        RouterState current = current();
        if (control.hasConfig()) {
            SpeculativeConfig config = control.getConfig();
            if (current.hasConfig() && config.getVersion() <= current.getConfig().getVersion()) {
                configsIgnored.inc();
                return;
            }
            state.update(current.toBuilder().setConfig(config).build());
        } else if (control.hasModel()) {
            ModelDescriptor model = control.getModel();
            TreeSet<String> names = new TreeSet<>(current.getModelsList());
            switch (model.getAction()) {
                case REMOVE -> names.remove(model.getName());
                case DEPLOY, ROLLBACK -> names.add(model.getName());
                default -> {
                    return; // the executor rejects unknown actions with an event
                }
            }
            state.update(current.toBuilder().clearModels().addAllModels(names).build());
        }
    }

    private RouterState current() throws Exception {
        RouterState stored = state.value();
        return stored == null ? RouterState.getDefaultInstance() : stored;
    }
}
