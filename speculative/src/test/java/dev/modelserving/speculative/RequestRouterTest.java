package dev.modelserving.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.types.ProtoSerializer;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.proto.CollectorInput;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.RequestStart;
import dev.modelserving.proto.RouterControl;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.proto.SpeculativeConfig;
import dev.modelserving.proto.SpeculativeRequest;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestRouterTest {

    private KeyedTwoInputStreamOperatorTestHarness<String, DataRecord, RouterControl, SpeculativeRequest> harness;

    private void open(OperatorSubtaskState restore) throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new KeyedCoProcessOperator<>(new RequestRouter(1000)),
                DataRecord::getDataType, RouterControlKey::of, Types.STRING);
        harness.setup(new ProtoSerializer<>(SpeculativeRequest.class));
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        harness.setProcessingTime(5_000);
    }

    /** The router's control stream is keyed by data type (as in the job). */
    static final class RouterControlKey {
        static String of(RouterControl control) {
            return control.hasModel() ? control.getModel().getDataType() : control.getConfig().getDataType();
        }
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void model(String name, ModelAction action) throws Exception {
        harness.processElement2(RouterControl.newBuilder().setModel(TestDescriptors.constant("1").setName(name)
                .setAction(action)).build(), 0);
    }

    private void config(SpeculativeConfig.Builder config) throws Exception {
        harness.processElement2(RouterControl.newBuilder().setConfig(config.setDataType("test")).build(), 0);
    }

    private List<RequestStart> starts() {
        var side = harness.getSideOutput(SpeculativeOutputs.STARTS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).map(CollectorInput::getStart)
                .toList();
    }

    private List<ServingResult> routerResults() {
        var side = harness.getSideOutput(SpeculativeOutputs.RESULTS);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void noModelIsAnsweredAtOnce() throws Exception {
        open(null);
        harness.processElement1(TestDescriptors.record(1), 0);
        assertThat(routerResults()).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ServingStatus.NO_MODEL);
            assertThat(r.getRecordId()).isEqualTo("r");
        });
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(starts()).isEmpty();
    }

    @Test
    void fansOutToEveryKnownModelWithTheDefaultAndTellsTheCollector() throws Exception {
        open(null);
        model("b", ModelAction.DEPLOY);
        model("a", ModelAction.DEPLOY);
        harness.processElement1(TestDescriptors.record(1), 0);
        harness.processElement1(TestDescriptors.record(2), 0);
        assertThat(harness.extractOutputValues()).extracting(SpeculativeRequest::getRequestId,
                        SpeculativeRequest::getModelName)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("test#0", "a"),
                        org.assertj.core.groups.Tuple.tuple("test#0", "b"),
                        org.assertj.core.groups.Tuple.tuple("test#1", "a"),
                        org.assertj.core.groups.Tuple.tuple("test#1", "b"));
        assertThat(starts()).hasSize(2).first().satisfies(s -> {
            assertThat(s.getExpectedModelsList()).containsExactly("a", "b");
            assertThat(s.getStrategy()).isEqualTo(DecisionStrategy.FIRST);
            assertThat(s.getDeadlineMillis()).isEqualTo(6_000);
            assertThat(s.getRecord().getFeaturesCount()).isZero();
            assertThat(s.getRecord().getId()).isEqualTo("r");
        });
    }

    @Test
    void configAppliesLiveStaleVersionsAreIgnoredAndRemovedModelsAreNotAsked() throws Exception {
        open(null);
        model("a", ModelAction.DEPLOY);
        model("b", ModelAction.DEPLOY);
        model("c", ModelAction.DEPLOY);
        config(SpeculativeConfig.newBuilder().setVersion(2).setDeadlineMillis(100)
                .setStrategy(DecisionStrategy.MAJORITY).addModels("a").addModels("c").addModels("unknown"));
        config(SpeculativeConfig.newBuilder().setVersion(1).setDeadlineMillis(999)
                .setStrategy(DecisionStrategy.FIRST));
        harness.processElement1(TestDescriptors.record(1), 0);
        model("c", ModelAction.REMOVE);
        harness.processElement1(TestDescriptors.record(1), 0);
        assertThat(starts()).extracting(s -> List.copyOf(s.getExpectedModelsList()))
                .containsExactly(List.of("a", "c"), List.of("a"));
        assertThat(starts()).allSatisfy(s -> {
            assertThat(s.getStrategy()).isEqualTo(DecisionStrategy.MAJORITY);
            assertThat(s.getDeadlineMillis()).isEqualTo(5_100);
        });
    }

    @Test
    void shadowAsksThePrimaryAndTheCandidates() throws Exception {
        open(null);
        model("a", ModelAction.DEPLOY);
        model("b", ModelAction.DEPLOY);
        model("c", ModelAction.DEPLOY);
        config(SpeculativeConfig.newBuilder().setVersion(1).setStrategy(DecisionStrategy.SHADOW)
                .setPrimaryModel("b").addShadowCandidates("c"));
        harness.processElement1(TestDescriptors.record(1), 0);
        assertThat(starts()).singleElement().satisfies(s -> {
            assertThat(s.getExpectedModelsList()).containsExactly("b", "c");
            assertThat(s.getPrimaryModel()).isEqualTo("b");
        });
    }

    @Test
    void modelsConfigAndSequenceSurviveARestore() throws Exception {
        open(null);
        model("a", ModelAction.DEPLOY);
        harness.processElement1(TestDescriptors.record(1), 0);
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);
        harness.close();
        open(snapshot);
        harness.processElement1(TestDescriptors.record(1), 0);
        assertThat(harness.extractOutputValues()).extracting(SpeculativeRequest::getRequestId)
                .containsExactly("test#1");
    }
}
