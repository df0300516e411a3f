package dev.modelserving.speculative;

import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.proto.CollectorInput;
import dev.modelserving.proto.ExecutorAnswer;
import dev.modelserving.proto.RequestStart;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.speculative.decide.Decider;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The collector of the speculative mode, keyed by request id. It keeps the request's start and the answers received
 * so far in keyed state (checkpointed; in-flight requests survive a restart). An answer that arrives before its start
 * is kept. A request completes when every expected model has answered, when its strategy can decide early (FIRST: at
 * the first scored answer), or when its deadline timer (processing time, the absolute deadline set by the router)
 * fires; it then emits exactly one {@link ServingResult} and clears its state and timers.
 *
 * <p>Answers with no start (early, or late: after their request completed) are kept until an orphan timer
 * ({@code orphanTtlMillis} after the first of them) removes them and counts them in {@code answersOrphaned}; so the
 * state is back to empty once the traffic stops, however many answers came late.
 */
public class AnswerCollector extends KeyedProcessFunction<String, CollectorInput, ServingResult> {

    private static final long serialVersionUID = 1L;

    /** Default time an answer without a start is kept (the start normally arrives within milliseconds). */
    public static final long DEFAULT_ORPHAN_TTL_MILLIS = 10_000;

    private final long orphanTtlMillis;

    private transient ValueState<RequestStart> startState;
    private transient MapState<String, ExecutorAnswer> answers;
    private transient ValueState<Long> orphanTimer;
    private transient Counter completed;
    private transient Counter timedOut;
    private transient Counter orphaned;
    private transient Counter duplicates;

    public AnswerCollector() {
        this(DEFAULT_ORPHAN_TTL_MILLIS);
    }

    public AnswerCollector(long orphanTtlMillis) {
        if (orphanTtlMillis <= 0) {
            throw new IllegalArgumentException("orphan TTL must be positive, got " + orphanTtlMillis);
        }
        this.orphanTtlMillis = orphanTtlMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        startState = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("request-start", ProtoTypeInfo.of(RequestStart.class)));
        answers = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "request-answers", Types.STRING, ProtoTypeInfo.of(ExecutorAnswer.class)));
        orphanTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("orphan-timer", Types.LONG));
        var group = getRuntimeContext().getMetricGroup().addGroup("speculative");
        completed = group.counter("requestsCompleted");
        timedOut = group.counter("requestsCompletedAtDeadline");
        orphaned = group.counter("answersOrphaned");
        duplicates = group.counter("answersDuplicated");
    }

    @Override
    public void processElement(CollectorInput input, Context ctx, Collector<ServingResult> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        if (input.hasStart()) {
            RequestStart start = input.getStart();
            if (startState.value() != null) {
                duplicates.inc();
                return;
            }
            startState.update(start);
            Long orphan = orphanTimer.value();
            if (orphan != null) {
                ctx.timerService().deleteProcessingTimeTimer(orphan);
                orphanTimer.clear();
            }
            ctx.timerService().registerProcessingTimeTimer(start.getDeadlineMillis());
            completeIfDecided(start, now, ctx, out);
        } else if (input.hasAnswer()) {
            ExecutorAnswer answer = input.getAnswer();
            if (answers.contains(answer.getModelName())) {
                duplicates.inc();
                return;
            }
            int arrival = 0;
            for (String ignored : answers.keys()) {
                arrival++;
            }
            answers.put(
                    answer.getModelName(),
                    answer.toBuilder()
                            .setReceivedAtMillis(now)
                            .setArrival(arrival)
                            .build());
            RequestStart start = startState.value();
            if (start == null) {
                if (orphanTimer.value() == null) {
                    long at = now + orphanTtlMillis;
                    ctx.timerService().registerProcessingTimeTimer(at);
                    orphanTimer.update(at);
                }
                return;
            }
            completeIfDecided(start, now, ctx, out);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ServingResult> out) throws Exception {
        RequestStart start = startState.value();
        if (start != null) {
            if (timestamp >= start.getDeadlineMillis()) {
                timedOut.inc();
                complete(start, received(start), ctx, out);
            }
            return;
        }
        Long orphan = orphanTimer.value();
        if (orphan != null && timestamp >= orphan) {
            for (String ignored : answers.keys()) {
                orphaned.inc();
            }
            answers.clear();
            orphanTimer.clear();
        }
    }

    private void completeIfDecided(RequestStart start, long now, Context ctx, Collector<ServingResult> out)
            throws Exception {
        List<ExecutorAnswer> received = received(start);
        boolean all = received.size() >= start.getExpectedModelsCount();
        List<ExecutorAnswer> scored = received.stream()
                .filter(a -> a.getStatus() == ServingStatus.SCORED)
                .toList();
        if (all || Decider.of(start.getStrategy()).decidesEarly(start, scored) || now > start.getDeadlineMillis()) {
            complete(start, received, ctx, out);
        }
    }

    /** The answers in state that the request expects (answers of other models are ignored). */
    private List<ExecutorAnswer> received(RequestStart start) throws Exception {
        List<ExecutorAnswer> received = new ArrayList<>();
        for (String model : start.getExpectedModelsList()) {
            ExecutorAnswer answer = answers.get(model);
            if (answer != null && answer.getReceivedAtMillis() <= start.getDeadlineMillis()) {
                received.add(answer);
            }
        }
        return received;
    }

    private void complete(RequestStart start, List<ExecutorAnswer> received, Context ctx, Collector<ServingResult> out)
            throws Exception {
        ServingResult result = SpeculativeResults.complete(start, received);
        out.collect(result);
        completed.inc();
        ctx.timerService().deleteProcessingTimeTimer(start.getDeadlineMillis());
        Long orphan = orphanTimer.value();
        if (orphan != null) {
            ctx.timerService().deleteProcessingTimeTimer(orphan);
        }
        startState.clear();
        answers.clear();
        orphanTimer.clear();
    }
}
