package dev.modelserving.flink.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.proto.DeadLetter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.runtime.metrics.groups.InternalOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingOperatorMetricGroup;
import org.apache.flink.runtime.metrics.util.InterceptingTaskMetricGroup;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

/** A parser in Flink's one-input operator harness, with its operator metrics captured. */
final class ParserHarness<T> implements AutoCloseable {

    private final InterceptingOperatorMetricGroup operatorMetrics = new InterceptingOperatorMetricGroup();
    private final MockEnvironment environment;
    private final OneInputStreamOperatorTestHarness<RawRecord, T> harness;

    ParserHarness(PayloadParser<T> parser) throws Exception {
        InterceptingTaskMetricGroup taskMetrics = new InterceptingTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(
                    OperatorID operatorId, String name, Map<String, String> additionalVariables) {
                return operatorMetrics;
            }
        };
        environment = new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build();
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(parser), environment);
        harness.setup(parser.getProducedType().createSerializer(new SerializerConfigImpl()));
        harness.open();
    }

    void setProcessingTime(long millis) throws Exception {
        harness.setProcessingTime(millis);
    }

    void process(RawRecord raw) throws Exception {
        harness.processElement(raw, 0L);
    }

    List<T> output() {
        return harness.extractOutputValues();
    }

    List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(DeadLetters.TAG);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).toList();
    }

    DeadLetter onlyDeadLetter() {
        assertThat(output()).as("main output").isEmpty();
        assertThat(deadLetters()).hasSize(1);
        return deadLetters().get(0);
    }

    long counter(String name) {
        Counter counter = (Counter) operatorMetrics.get(name);
        return Objects.requireNonNull(counter, "no metric " + name).getCount();
    }

    @Override
    public void close() throws Exception {
        try {
            harness.close();
        } finally {
            environment.close();
        }
    }
}
