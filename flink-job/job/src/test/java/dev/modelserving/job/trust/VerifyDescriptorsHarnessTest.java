package dev.modelserving.job.trust;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.modelserving.model.trust.DescriptorSignatures;
import dev.modelserving.model.trust.TrustDecision.Verdict;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class VerifyDescriptorsHarnessTest {

    private static final TestPublishers PUBLISHERS = new TestPublishers("sensor", "model*");

    private final InterceptingOperatorMetricGroup metrics = new InterceptingOperatorMetricGroup();
    private MockEnvironment environment;
    private OneInputStreamOperatorTestHarness<ModelDescriptor, ModelDescriptor> harness;

    private void open(boolean requireSignatures) throws Exception {
        InterceptingTaskMetricGroup taskMetrics = new InterceptingTaskMetricGroup() {
            @Override
            public InternalOperatorMetricGroup getOrAddOperator(
                    OperatorID operatorId, String name, Map<String, String> additionalVariables) {
                return metrics;
            }
        };
        environment = new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build();
        VerifyDescriptors verify = new VerifyDescriptors(PUBLISHERS.policy(), requireSignatures);
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(verify), environment);
        harness.setup(verify.getProducedType().createSerializer(new SerializerConfigImpl()));
        harness.open();
        harness.setProcessingTime(1234L);
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
        if (environment != null) {
            environment.close();
        }
    }

    private static ModelDescriptor model(String name, long version) {
        return ModelDescriptor.newBuilder()
                .setDataType("sensor")
                .setName(name)
                .setVersion(version)
                .setArtifactBytes(ByteString.copyFromUtf8("artifact"))
                .build();
    }

    private List<ModelEvent> rejected() {
        var side = harness.getSideOutput(VerifyDescriptors.REJECTED);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).toList();
    }

    private long counter(Verdict verdict) {
        return ((Counter) Objects.requireNonNull(
                        metrics.get(VerifyDescriptors.metricName(verdict)), "no metric for " + verdict))
                .getCount();
    }

    @Test
    void onlyTrustedDescriptorsGoOnAndEveryOtherIsARejectedEventWithItsMetric() throws Exception {
        open(true);
        ModelDescriptor good = PUBLISHERS.byCi(model("model-a", 1));
        ModelDescriptor tampered = good.toBuilder()
                .setArtifactBytes(ByteString.copyFromUtf8("artifacT"))
                .build();
        ModelDescriptor forged = DescriptorSignatures.sign(model("model-a", 2), "ci", PUBLISHERS.stranger.getPrivate());
        ModelDescriptor unsigned = model("model-a", 3);
        ModelDescriptor unknown =
                DescriptorSignatures.sign(model("model-a", 4), "mallory", PUBLISHERS.stranger.getPrivate());
        ModelDescriptor otherName = PUBLISHERS.byCi(model("evil-model", 1));
        ModelDescriptor otherType = PUBLISHERS.byCi(
                model("model-a", 5).toBuilder().setDataType("billing").build());
        ModelDescriptor ciRemoves = PUBLISHERS.byCi(
                model("model-a", 6).toBuilder().setAction(ModelAction.REMOVE).build());
        ModelDescriptor opsRollsBack = PUBLISHERS.byOps(model("model-a", 7).toBuilder()
                .setAction(ModelAction.ROLLBACK)
                .setRollbackToVersion(1)
                .build());
        for (ModelDescriptor d :
                List.of(good, tampered, forged, unsigned, unknown, otherName, otherType, ciRemoves, opsRollsBack)) {
            harness.processElement(d, 0L);
        }

        assertThat(harness.extractOutputValues()).containsExactly(good, opsRollsBack);
        assertThat(rejected()).allSatisfy(e -> {
            assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
            assertThat(e.getTimestampMillis()).isEqualTo(1234L);
            assertThat(e.getReason()).startsWith("untrusted: ");
        });
        assertThat(rejected())
                .extracting(e -> e.getModelName() + "@" + e.getModelVersion() + " " + e.getPublisherId())
                .containsExactly(
                        "model-a@1 ci",
                        "model-a@2 ci",
                        "model-a@3 ",
                        "model-a@4 mallory",
                        "evil-model@1 ci",
                        "model-a@5 ci",
                        "model-a@6 ci");
        assertThat(rejected())
                .extracting(ModelEvent::getReason)
                .satisfiesExactly(
                        r -> assertThat(r).contains("changed after signing"),
                        r -> assertThat(r).contains("does not verify with any of the 1 key(s) [ci-key]"),
                        r -> assertThat(r).contains("not signed"),
                        r -> assertThat(r).contains("publisher 'mallory' is not in the trust policy"),
                        r -> assertThat(r).contains("may not publish model 'evil-model'"),
                        r -> assertThat(r).contains("may not publish for data type 'billing'"),
                        r -> assertThat(r).contains("may not REMOVE"));
        assertThat(counter(Verdict.TRUSTED)).isEqualTo(2);
        assertThat(counter(Verdict.BAD_SIGNATURE)).isEqualTo(2);
        assertThat(counter(Verdict.UNSIGNED)).isEqualTo(1);
        assertThat(counter(Verdict.UNKNOWN_PUBLISHER)).isEqualTo(1);
        assertThat(counter(Verdict.MODEL_NAME_NOT_ALLOWED)).isEqualTo(1);
        assertThat(counter(Verdict.DATA_TYPE_NOT_ALLOWED)).isEqualTo(1);
        assertThat(counter(Verdict.ACTION_NOT_ALLOWED)).isEqualTo(1);
        assertThat(((Counter) metrics.get(VerifyDescriptors.REJECTED_METRIC)).getCount())
                .isEqualTo(7);
    }

    @Test
    void withSignaturesOptionalUnsignedPassesButASignedOneIsStillChecked() throws Exception {
        open(false);
        ModelDescriptor unsigned = model("model-a", 1);
        ModelDescriptor forged = DescriptorSignatures.sign(model("model-a", 2), "ci", PUBLISHERS.stranger.getPrivate());
        harness.processElement(unsigned, 0L);
        harness.processElement(forged, 0L);
        assertThat(harness.extractOutputValues()).containsExactly(unsigned);
        assertThat(rejected())
                .singleElement()
                .satisfies(e -> assertThat(e.getReason()).contains("does not verify"));
        assertThat(counter(Verdict.UNSIGNED_ALLOWED)).isEqualTo(1);
    }

    @Test
    void theFunctionSurvivesARestoreOfItsSnapshot() throws Exception {
        open(true);
        var snapshot = harness.snapshot(1L, 1L);
        harness.close();
        environment.close();
        InterceptingTaskMetricGroup taskMetrics = new InterceptingTaskMetricGroup();
        environment = new MockEnvironmentBuilder().setMetricGroup(taskMetrics).build();
        VerifyDescriptors verify =
                org.apache.flink.util.InstantiationUtil.clone(new VerifyDescriptors(PUBLISHERS.policy(), true));
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(verify), environment);
        harness.setup(verify.getProducedType().createSerializer(new SerializerConfigImpl()));
        harness.initializeState(snapshot);
        harness.open();
        ModelDescriptor good = PUBLISHERS.byCi(model("model-a", 1));
        harness.processElement(good, 0L);
        harness.processElement(model("model-a", 2), 0L);
        assertThat(harness.extractOutputValues())
                .as("the policy survived Java serialization")
                .containsExactly(good);
        assertThat(rejected()).hasSize(1);
    }
}
