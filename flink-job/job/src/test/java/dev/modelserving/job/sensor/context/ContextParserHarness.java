package dev.modelserving.job.sensor.context;

import dev.modelserving.flink.parse.DeadLetters;
import dev.modelserving.flink.parse.PayloadParser;
import dev.modelserving.flink.parse.RawRecord;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.DeadLetter;
import java.nio.charset.StandardCharsets;
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

/** A context parser in Flink's one-input operator harness, with its operator metrics captured. */
final class ContextParserHarness implements AutoCloseable {

    private final InterceptingOperatorMetricGroup operatorMetrics = new InterceptingOperatorMetricGroup();
    private final MockEnvironment environment;
    private final OneInputStreamOperatorTestHarness<RawRecord, ContextUpdate> harness;
    private long offset;

    ContextParserHarness(PayloadParser<ContextUpdate> parser) throws Exception {
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

    /** Processes a Kafka record with this key (null: none) and value (null: a tombstone). */
    void process(String key, byte[] value) throws Exception {
        harness.processElement(
                new RawRecord(value, key == null ? null : key.getBytes(StandardCharsets.UTF_8), "ctx", 0, offset++, 1L),
                0L);
    }

    List<ContextUpdate> output() {
        return harness.extractOutputValues();
    }

    List<DeadLetter> deadLetters() {
        var side = harness.getSideOutput(DeadLetters.TAG);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).toList();
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
