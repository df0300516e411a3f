package dev.modelserving.speculative;

import dev.modelserving.proto.CollectorInput;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.ExecutorAnswer;
import dev.modelserving.proto.RequestStart;
import dev.modelserving.proto.ServingStatus;
import java.util.List;

/** Starts and answers for collector and decider tests. */
public final class TestAnswers {

    private TestAnswers() {}

    public static RequestStart start(String requestId, long deadline, DecisionStrategy strategy, String... models) {
        return RequestStart.newBuilder()
                .setRequestId(requestId)
                .setRecord(DataRecord.newBuilder()
                        .setId("record-" + requestId)
                        .setKey("k")
                        .setDataType("test"))
                .addAllExpectedModels(List.of(models))
                .setDeadlineMillis(deadline)
                .setDeadlineBudgetMillis(100)
                .setStrategy(strategy)
                .setPrimaryModel(strategy == DecisionStrategy.SHADOW ? models[0] : "")
                .build();
    }

    public static ExecutorAnswer score(String requestId, String model, double value) {
        return ExecutorAnswer.newBuilder()
                .setRequestId(requestId)
                .setModelName(model)
                .setModelVersion(1)
                .setModelSha256("sha-" + model)
                .setStatus(ServingStatus.SCORED)
                .addOutputs(value)
                .build();
    }

    /** A classifier's answer: label with probability p, the other class 1 - p. */
    public static ExecutorAnswer label(String requestId, String model, String label, double p) {
        String other = label.equals("yes") ? "no" : "yes";
        return ExecutorAnswer.newBuilder()
                .setRequestId(requestId)
                .setModelName(model)
                .setModelVersion(1)
                .setModelSha256("sha-" + model)
                .setStatus(ServingStatus.SCORED)
                .setLabel(label)
                .putProbabilities(label, p)
                .putProbabilities(other, 1 - p)
                .build();
    }

    public static CollectorInput in(RequestStart start) {
        return CollectorInput.newBuilder().setStart(start).build();
    }

    public static CollectorInput in(ExecutorAnswer answer) {
        return CollectorInput.newBuilder().setAnswer(answer).build();
    }

    /** Answers numbered in arrival order, as the collector numbers them. */
    public static List<ExecutorAnswer> arrived(ExecutorAnswer... answers) {
        List<ExecutorAnswer> list = new java.util.ArrayList<>();
        for (int i = 0; i < answers.length; i++) {
            list.add(answers[i].toBuilder().setArrival(i).build());
        }
        return list;
    }
}
