package dev.modelserving.speculative;

import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.serving.ServingResults;
import dev.modelserving.proto.CollectorInput;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.RequestStart;
import dev.modelserving.proto.RouterControl;
import dev.modelserving.proto.RouterState;
import dev.modelserving.proto.SpeculativeConfig;
import dev.modelserving.proto.SpeculativeRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router (starter) of the speculative mode, keyed by data type. It knows the data type's models (names of the
 * descriptors seen; a REMOVE drops a name) and its {@link SpeculativeConfig} (a version not newer than the current one
 * is ignored; changes apply to the next record). Every record gets a request id ({@code <data type>#<sequence>}, the
 * sequence in keyed state, so ids are the same when a restored job replays); one {@link SpeculativeRequest} per model
 * asked goes to the executors (main output) and a {@link RequestStart} with the absolute deadline (processing time
 * of receipt + the deadline) to the collector ({@link SpeculativeOutputs#STARTS}). A data type with no model gets a
 * NO_MODEL result at once ({@link SpeculativeOutputs#RESULTS}), and so does a SHADOW request whose primary model is
 * not deployed (it could never be answered).
 *
 * <p>Hostile or out-of-order control input:
 * <ul>
 *   <li>Model commands are versioned: a DEPLOY, REMOVE or ROLLBACK whose {@code version} is not newer than the
 *       newest the router has seen for that model name ({@code latest_versions} in {@link RouterState}) is ignored
 *       and counted ({@code modelCommandsStale}), so a replayed old REMOVE never drops a model from routing.</li>
 *   <li>At most {@code maxModelsPerDataType} models per data type: a DEPLOY (or ROLLBACK) of a new name beyond the cap
 *       is not routed to; a REJECTED {@link ModelEvent} naming the cap goes to {@link SpeculativeOutputs#MODEL_EVENTS}
 *       ({@code modelsOverCap}).</li>
 *   <li>A configuration naming models ({@code models}, {@code primary_model}, {@code shadow_candidates}) the router
 *       does not know is not applied (the previous one stays); a REJECTED event says which names are unknown
 *       ({@code configsRejected}). Since topics are read in no fixed order after a fresh start, the refused
 *       configuration is kept as {@code pending_config} and applied, with an INFO log line and the metric
 *       {@code configsAppliedFromPending}, as soon as DEPLOYs make all its names known; a newer configuration
 *       replaces a pending one.</li>
 *   <li>The absolute deadline never overflows: the relative deadline is capped at {@code maxDeadlineMillis} and the
 *       sum saturates at {@link Long#MAX_VALUE}.</li>
 * </ul>
 */
public class RequestRouter extends KeyedCoProcessFunction<String, DataRecord, RouterControl, SpeculativeRequest> {

    private static final long serialVersionUID = 1L;

    private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);

    /** Default cap on the models of one data type. */
    public static final int DEFAULT_MAX_MODELS_PER_DATA_TYPE = 16;
    /** Default cap on a relative deadline (ms). */
    public static final long DEFAULT_MAX_DEADLINE_MILLIS = 60_000;

    private final long defaultDeadlineMillis;
    private final long maxDeadlineMillis;
    private final int maxModelsPerDataType;

    private transient ValueState<RouterState> state;
    private transient Counter routed;
    private transient Counter noModel;
    private transient Counter configsIgnored;
    private transient Counter configsRejected;
    private transient Counter configsAppliedFromPending;
    private transient Counter commandsStale;
    private transient Counter commandsIgnored;
    private transient Counter modelsOverCap;

    /**
     * A router with the default caps (deadline: {@value #DEFAULT_MAX_DEADLINE_MILLIS} ms or the default deadline if
     * larger; {@value #DEFAULT_MAX_MODELS_PER_DATA_TYPE} models per data type).
     *
     * @param defaultDeadlineMillis the deadline of data types without a configuration (or one without a deadline)
     */
    public RequestRouter(long defaultDeadlineMillis) {
        this(
                defaultDeadlineMillis,
                Math.max(defaultDeadlineMillis, DEFAULT_MAX_DEADLINE_MILLIS),
                DEFAULT_MAX_MODELS_PER_DATA_TYPE);
    }

    /**
     * @param defaultDeadlineMillis the deadline of data types without a configuration (or one without a deadline)
     * @param maxDeadlineMillis the largest relative deadline a request gets, whatever a configuration says
     * @param maxModelsPerDataType the most models routed to per data type
     */
    public RequestRouter(long defaultDeadlineMillis, long maxDeadlineMillis, int maxModelsPerDataType) {
        if (defaultDeadlineMillis <= 0) {
            throw new IllegalArgumentException("default deadline must be positive, got " + defaultDeadlineMillis);
        }
        if (maxDeadlineMillis < defaultDeadlineMillis) {
            throw new IllegalArgumentException(
                    "max deadline " + maxDeadlineMillis + " is below the default deadline " + defaultDeadlineMillis);
        }
        if (maxModelsPerDataType < 1) {
            throw new IllegalArgumentException(
                    "max models per data type must be positive, got " + maxModelsPerDataType);
        }
        this.defaultDeadlineMillis = defaultDeadlineMillis;
        this.maxDeadlineMillis = maxDeadlineMillis;
        this.maxModelsPerDataType = maxModelsPerDataType;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("speculative-router", ProtoTypeInfo.of(RouterState.class)));
        var group = getRuntimeContext().getMetricGroup().addGroup("speculative");
        routed = group.counter("requestsRouted");
        noModel = group.counter("requestsNoModel");
        configsIgnored = group.counter("configsIgnored");
        configsRejected = group.counter("configsRejected");
        configsAppliedFromPending = group.counter("configsAppliedFromPending");
        commandsStale = group.counter("modelCommandsStale");
        commandsIgnored = group.counter("modelCommandsIgnored");
        modelsOverCap = group.counter("modelsOverCap");
    }

    @Override
    public void processElement1(DataRecord record, Context ctx, Collector<SpeculativeRequest> out) throws Exception {
        RouterState current = current();
        RoutingPlan plan = RoutingPlan.of(
                current.hasConfig() ? current.getConfig() : null, current.getModelsList(), defaultDeadlineMillis);
        if (plan.models().isEmpty()) {
            noModel.inc();
            ctx.output(
                    SpeculativeOutputs.RESULTS,
                    ServingResults.noModel(record).toBuilder()
                            .setStrategy(plan.strategy().name())
                            .build());
            return;
        }
        if (plan.strategy() == DecisionStrategy.SHADOW
                && !current.getModelsList().contains(plan.primary())) {
            noModel.inc();
            ctx.output(
                    SpeculativeOutputs.RESULTS,
                    ServingResults.noModel(record).toBuilder()
                            .setModelName(plan.primary())
                            .setStrategy(plan.strategy().name())
                            .setError("SHADOW primary model '" + plan.primary() + "' of data type '"
                                    + record.getDataType() + "' is not deployed")
                            .build());
            return;
        }
        long sequence = current.getNextSequence();
        state.update(current.toBuilder().setNextSequence(sequence + 1).build());
        String requestId = ctx.getCurrentKey() + "#" + sequence;
        long now = ctx.timerService().currentProcessingTime();
        long budget = Math.min(plan.deadlineMillis(), maxDeadlineMillis);
        long deadline = saturatedAdd(now, budget);
        ctx.output(
                SpeculativeOutputs.STARTS,
                CollectorInput.newBuilder()
                        .setStart(RequestStart.newBuilder()
                                .setRequestId(requestId)
                                .setRecord(record.toBuilder()
                                        .clearFeatures()
                                        .clearVector()
                                        .clearVectorShape())
                                .addAllExpectedModels(plan.models())
                                .setDeadlineMillis(deadline)
                                .setDeadlineBudgetMillis(budget)
                                .setStrategy(plan.strategy())
                                .setPrimaryModel(plan.primary())
                                .setRoutedAtMillis(now))
                        .build());
        for (String model : plan.models()) {
            out.collect(SpeculativeRequest.newBuilder()
                    .setRequestId(requestId)
                    .setModelName(model)
                    .setRecord(record)
                    .setDeadlineMillis(deadline)
                    .build());
        }
        routed.inc();
    }

    /** {@code a + b} for non-negative {@code b}, or {@link Long#MAX_VALUE} when it overflows. */
    static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? (b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : sum;
    }

    @Override
    public void processElement2(RouterControl control, Context ctx, Collector<SpeculativeRequest> out)
            throws Exception {
        RouterState current = current();
        if (control.hasConfig()) {
            configure(current, control.getConfig(), ctx);
        } else if (control.hasModel()) {
            command(current, control.getModel(), ctx);
        }
    }

    private void configure(RouterState current, SpeculativeConfig config, Context ctx) throws Exception {
        if (current.hasConfig() && config.getVersion() <= current.getConfig().getVersion()
                || current.hasPendingConfig()
                        && config.getVersion() <= current.getPendingConfig().getVersion()) {
            configsIgnored.inc();
            return;
        }
        List<String> unknown = unknownNames(config, current.getModelsList());
        if (unknown.isEmpty()) {
            state.update(
                    current.toBuilder().setConfig(config).clearPendingConfig().build());
            return;
        }
        configsRejected.inc();
        state.update(current.toBuilder().setPendingConfig(config).build());
        String named = !config.getPrimaryModel().isEmpty() ? config.getPrimaryModel() : unknown.get(0);
        ctx.output(
                SpeculativeOutputs.MODEL_EVENTS,
                event(
                        ctx,
                        named,
                        0,
                        "speculative config v" + config.getVersion()
                                + " for '" + config.getDataType() + "' names unknown models " + unknown
                                + ": not applied (kept"
                                + " pending until they are deployed)"));
    }

    private void command(RouterState current, ModelDescriptor model, Context ctx) throws Exception {
        String name = model.getName();
        Long latest = current.getLatestVersionsMap().get(name);
        if (latest != null && model.getVersion() <= latest) {
            commandsStale.inc();
            LOG.info(
                    "Router for '{}' ignores {} of model '{}' v{}: not newer than v{}",
                    model.getDataType(),
                    model.getAction(),
                    name,
                    model.getVersion(),
                    latest);
            return;
        }
        TreeSet<String> names = new TreeSet<>(current.getModelsList());
        switch (model.getAction()) {
            case REMOVE -> {
                if (!names.remove(name)) {
                    // Not routed to: nothing to undo, and recording its version would let hostile commands grow the
                    // state with names without bound.
                    commandsIgnored.inc();
                    return;
                }
            }
            case DEPLOY, ROLLBACK -> {
                if (!names.contains(name) && names.size() >= maxModelsPerDataType) {
                    modelsOverCap.inc();
                    ctx.output(
                            SpeculativeOutputs.MODEL_EVENTS,
                            event(
                                    ctx,
                                    name,
                                    model.getVersion(),
                                    "data type '"
                                            + model.getDataType() + "' already has " + names.size()
                                            + " models, the cap is "
                                            + maxModelsPerDataType + " (--max-models-per-data-type): model '" + name
                                            + "' is not routed to"));
                    return;
                }
                names.add(name);
            }
            default -> {
                return; // the executor rejects unknown actions with an event
            }
        }
        RouterState.Builder next =
                current.toBuilder().clearModels().addAllModels(names).putLatestVersions(name, model.getVersion());
        if (next.hasPendingConfig()
                && unknownNames(next.getPendingConfig(), names).isEmpty()) {
            SpeculativeConfig pending = next.getPendingConfig();
            next.clearPendingConfig();
            if (!next.hasConfig() || pending.getVersion() > next.getConfig().getVersion()) {
                next.setConfig(pending);
                configsAppliedFromPending.inc();
                LOG.info(
                        "Router for '{}' applies speculative config v{}, pending until now: every model it names"
                                + " is deployed",
                        pending.getDataType(),
                        pending.getVersion());
            }
        }
        state.update(next.build());
    }

    /** Names the configuration uses that are not among {@code known}, in order of appearance, without repeats. */
    static List<String> unknownNames(SpeculativeConfig config, Collection<String> known) {
        Set<String> named = new LinkedHashSet<>(config.getModelsList());
        if (!config.getPrimaryModel().isEmpty()) {
            named.add(config.getPrimaryModel());
        }
        named.addAll(config.getShadowCandidatesList());
        List<String> unknown = new ArrayList<>();
        for (String name : named) {
            if (!known.contains(name)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    private ModelEvent event(Context ctx, String modelName, long version, String reason) {
        return ModelEvent.newBuilder()
                .setType(ModelEventType.REJECTED)
                .setDataType(ctx.getCurrentKey())
                .setModelName(modelName)
                .setModelVersion(version)
                .setReason(reason)
                .setTimestampMillis(ctx.timerService().currentProcessingTime())
                .setEmittedBy("speculative-router-"
                        + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask())
                .build();
    }

    private RouterState current() throws Exception {
        RouterState stored = state.value();
        return stored == null ? RouterState.getDefaultInstance() : stored;
    }
}
