package dev.modelserving.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.types.ProtoSerializer;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.proto.CollectorInput;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
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
        open(restore, new RequestRouter(1000));
    }

    private void open(OperatorSubtaskState restore, RequestRouter router) throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(router), DataRecord::getDataType, RouterControlKey::of, Types.STRING);
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
            return control.hasModel()
                    ? control.getModel().getDataType()
                    : control.getConfig().getDataType();
        }
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private void model(String name, ModelAction action) throws Exception {
        model(name, action, ++commandVersion);
    }

    private long commandVersion;

    private void model(String name, ModelAction action, long version) throws Exception {
        harness.processElement2(
                RouterControl.newBuilder()
                        .setModel(TestDescriptors.constant("1")
                                .setName(name)
                                .setAction(action)
                                .setVersion(version))
                        .build(),
                0);
    }

    private void config(SpeculativeConfig.Builder config) throws Exception {
        harness.processElement2(
                RouterControl.newBuilder().setConfig(config.setDataType("test")).build(), 0);
    }

    private List<RequestStart> starts() {
        var side = harness.getSideOutput(SpeculativeOutputs.STARTS);
        return side == null
                ? List.of()
                : side.stream()
                        .map(StreamRecord::getValue)
                        .map(CollectorInput::getStart)
                        .toList();
    }

    private List<ServingResult> routerResults() {
        var side = harness.getSideOutput(SpeculativeOutputs.RESULTS);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).toList();
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
        assertThat(harness.extractOutputValues())
                .extracting(SpeculativeRequest::getRequestId, SpeculativeRequest::getModelName)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("test#0", "a"),
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
        config(SpeculativeConfig.newBuilder()
                .setVersion(2)
                .setDeadlineMillis(100)
                .setStrategy(DecisionStrategy.MAJORITY)
                .addModels("a")
                .addModels("c"));
        config(SpeculativeConfig.newBuilder()
                .setVersion(1)
                .setDeadlineMillis(999)
                .setStrategy(DecisionStrategy.FIRST));
        harness.processElement1(TestDescriptors.record(1), 0);
        model("c", ModelAction.REMOVE);
        harness.processElement1(TestDescriptors.record(1), 0);
        assertThat(starts())
                .extracting(s -> List.copyOf(s.getExpectedModelsList()))
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
        config(SpeculativeConfig.newBuilder()
                .setVersion(1)
                .setStrategy(DecisionStrategy.SHADOW)
                .setPrimaryModel("b")
                .addShadowCandidates("c"));
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
        assertThat(harness.extractOutputValues())
                .extracting(SpeculativeRequest::getRequestId)
                .containsExactly("test#1");
    }

    private List<ModelEvent> events() {
        var side = harness.getSideOutput(SpeculativeOutputs.MODEL_EVENTS);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).toList();
    }

    private RequestStart route() throws Exception {
        int before = starts().size();
        harness.processElement1(TestDescriptors.record(1), 0);
        assertThat(starts()).as("a request was started").hasSize(before + 1);
        return starts().get(before);
    }

    @Test
    void aConfigNamingUnknownModelsIsRejectedKeptPendingAndAppliedOnceTheyAreDeployed() throws Exception {
        open(null);
        model("a", ModelAction.DEPLOY);
        config(SpeculativeConfig.newBuilder().setVersion(1).setDeadlineMillis(200));
        config(SpeculativeConfig.newBuilder()
                .setVersion(3)
                .setDeadlineMillis(300)
                .setStrategy(DecisionStrategy.MAJORITY)
                .addModels("a")
                .addModels("b")
                .addModels("c"));

        assertThat(events()).singleElement().satisfies(event -> {
            assertThat(event.getType()).isEqualTo(ModelEventType.REJECTED);
            assertThat(event.getDataType()).isEqualTo("test");
            assertThat(event.getModelName()).isEqualTo("b");
            assertThat(event.getReason())
                    .isEqualTo("speculative config v3 for 'test' names unknown models [b, c]:"
                            + " not applied (kept pending until they are deployed)");
        });
        RequestStart beforeDeploy = route();
        assertThat(beforeDeploy.getStrategy()).isEqualTo(DecisionStrategy.FIRST);
        assertThat(beforeDeploy.getDeadlineBudgetMillis()).isEqualTo(200);

        model("b", ModelAction.DEPLOY);
        assertThat(route().getStrategy()).as("c is still unknown").isEqualTo(DecisionStrategy.FIRST);

        model("c", ModelAction.DEPLOY);
        RequestStart applied = route();
        assertThat(applied.getStrategy()).isEqualTo(DecisionStrategy.MAJORITY);
        assertThat(applied.getExpectedModelsList()).containsExactly("a", "b", "c");
        assertThat(applied.getDeadlineBudgetMillis()).isEqualTo(300);
        assertThat(events()).hasSize(1);
    }

    @Test
    void aNewerConfigReplacesAPendingOneAndAnOlderOneDoesNot() throws Exception {
        open(null);
        model("a", ModelAction.DEPLOY);
        config(SpeculativeConfig.newBuilder()
                .setVersion(2)
                .setStrategy(DecisionStrategy.MAJORITY)
                .addModels("x"));
        config(SpeculativeConfig.newBuilder().setVersion(1).setStrategy(DecisionStrategy.BEST_CONFIDENCE));
        assertThat(route().getStrategy()).as("v1 is older than the pending v2").isEqualTo(DecisionStrategy.FIRST);

        config(SpeculativeConfig.newBuilder()
                .setVersion(3)
                .setStrategy(DecisionStrategy.BEST_CONFIDENCE)
                .addModels("a"));
        model("x", ModelAction.DEPLOY);
        RequestStart start = route();
        assertThat(start.getStrategy()).as("v3 replaced the pending v2").isEqualTo(DecisionStrategy.BEST_CONFIDENCE);
        assertThat(start.getExpectedModelsList()).containsExactly("a");
    }

    @Test
    void aPendingConfigSurvivesARestore() throws Exception {
        open(null);
        config(SpeculativeConfig.newBuilder()
                .setVersion(1)
                .setStrategy(DecisionStrategy.MAJORITY)
                .addModels("m"));
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);
        harness.close();
        open(snapshot);
        model("m", ModelAction.DEPLOY);
        assertThat(route().getStrategy()).isEqualTo(DecisionStrategy.MAJORITY);
    }

    @Test
    void removesOfModelsItDoesNotRouteToLeaveNoStateBehind() throws Exception {
        open(null);
        model("m", ModelAction.DEPLOY, 1);
        for (int i = 0; i < 100; i++) {
            model("hostile-" + i, ModelAction.REMOVE, 5);
        }
        OperatorSubtaskState snapshot = harness.snapshot(1, 0);
        harness.close();
        open(snapshot);
        // The state kept no version for the unknown names: a later DEPLOY of one at a lower version is routed to.
        model("hostile-7", ModelAction.DEPLOY, 1);
        assertThat(route().getExpectedModelsList()).containsExactly("hostile-7", "m");
    }

    @Test
    void aShadowRequestWhosePrimaryIsNotDeployedIsAnsweredAtOnce() throws Exception {
        open(null);
        model("p", ModelAction.DEPLOY);
        model("c", ModelAction.DEPLOY);
        config(SpeculativeConfig.newBuilder()
                .setVersion(1)
                .setStrategy(DecisionStrategy.SHADOW)
                .setPrimaryModel("p")
                .addShadowCandidates("c"));
        model("p", ModelAction.REMOVE);
        harness.processElement1(TestDescriptors.record(1), 0);

        assertThat(starts()).isEmpty();
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(routerResults()).singleElement().satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(ServingStatus.NO_MODEL);
            assertThat(r.getModelName()).isEqualTo("p");
            assertThat(r.getStrategy()).isEqualTo("SHADOW");
            assertThat(r.getError()).isEqualTo("SHADOW primary model 'p' of data type 'test' is not deployed");
        });
    }

    @Test
    void modelsBeyondTheCapAreNotRoutedToAndSayWhy() throws Exception {
        open(null, new RequestRouter(1000, 60_000, 2));
        model("a", ModelAction.DEPLOY);
        model("b", ModelAction.DEPLOY);
        model("c", ModelAction.DEPLOY, 7);
        model("a", ModelAction.DEPLOY); // a newer version of a known model is fine
        assertThat(events()).singleElement().satisfies(event -> {
            assertThat(event.getType()).isEqualTo(ModelEventType.REJECTED);
            assertThat(event.getModelName()).isEqualTo("c");
            assertThat(event.getModelVersion()).isEqualTo(7);
            assertThat(event.getReason())
                    .isEqualTo("data type 'test' already has 2 models, the cap is 2"
                            + " (--max-models-per-data-type): model 'c' is not routed to");
        });
        assertThat(route().getExpectedModelsList()).containsExactly("a", "b");
    }

    @Test
    void modelCommandsNotNewerThanTheNewestSeenAreIgnored() throws Exception {
        open(null);
        model("a", ModelAction.DEPLOY, 5);
        model("a", ModelAction.REMOVE, 3); // a replayed old REMOVE
        model("a", ModelAction.REMOVE, 5);
        assertThat(route().getExpectedModelsList()).containsExactly("a");

        model("a", ModelAction.REMOVE, 6);
        harness.processElement1(TestDescriptors.record(1), 0);
        assertThat(routerResults())
                .singleElement()
                .satisfies(r -> assertThat(r.getStatus()).isEqualTo(ServingStatus.NO_MODEL));

        model("a", ModelAction.DEPLOY, 6); // not newer than the REMOVE
        harness.processElement1(TestDescriptors.record(1), 0);
        assertThat(routerResults()).hasSize(2);
        model("a", ModelAction.DEPLOY, 7);
        assertThat(route().getExpectedModelsList()).containsExactly("a");
    }

    @Test
    void theAbsoluteDeadlineIsCappedAndNeverOverflows() throws Exception {
        open(null, new RequestRouter(1000, 2_000, 16));
        model("a", ModelAction.DEPLOY);
        config(SpeculativeConfig.newBuilder().setVersion(1).setDeadlineMillis(Long.MAX_VALUE));
        RequestStart capped = route();
        assertThat(capped.getDeadlineBudgetMillis()).isEqualTo(2_000);
        assertThat(capped.getDeadlineMillis()).isEqualTo(7_000);

        harness.setProcessingTime(Long.MAX_VALUE - 10);
        RequestStart late = route();
        assertThat(late.getDeadlineMillis()).isEqualTo(Long.MAX_VALUE);
        assertThat(harness.extractOutputValues())
                .last()
                .satisfies(r -> assertThat(r.getDeadlineMillis()).isEqualTo(Long.MAX_VALUE));
    }
}
