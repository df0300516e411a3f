package dev.modelserving.model.serving;

import static dev.modelserving.model.TestDescriptors.constant;
import static dev.modelserving.model.TestDescriptors.record;
import static dev.modelserving.model.TestDescriptors.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.ConstantModelFactory;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.model.trust.DescriptorSignatures;
import dev.modelserving.model.trust.PemKeys;
import dev.modelserving.model.trust.SigningAlgorithm;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingSlotState;
import dev.modelserving.proto.ServingStatus;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServingSlotTest {

    private final ConstantModelFactory factory = new ConstantModelFactory();
    private final ModelLoader loader = new ModelLoader(ModelFactories.of(List.of(factory)), LoadPolicy.defaults());
    private final ManualExecutor manual = new ManualExecutor();
    /** The settings of every slot made, whose retirers close the models that stopped serving. */
    private final List<SlotSettings> made = new java.util.ArrayList<>();

    private ServingSlot slot;

    private ServingSlot slot(Executor executor, ServingSlotState restored) {
        SlotSettings settings = new SlotSettings(loader, executor, "test-0", 2, () -> 1000L);
        made.add(settings);
        return new ServingSlot("test", restored, settings);
    }

    /** Waits (bounded) until every model retired so far by the slots made is closed. */
    private void awaitRetired() throws Exception {
        for (SlotSettings settings : made) {
            settings.loads().retirer().idle().get(10, TimeUnit.SECONDS);
        }
    }

    private ServingSlot directSlot() {
        return slot(Runnable::run, ServingSlotState.getDefaultInstance());
    }

    private static ModelDescriptor version(long v, String constant) {
        return constant(constant).setVersion(v).build();
    }

    /** A command taking {@code version} (every command takes the next version number of its model name). */
    private static ModelDescriptor command(ModelAction action, long target, long version) {
        return TestDescriptors.command("constant", action, target, version);
    }

    private List<ModelEvent> deployAndPoll(ModelDescriptor d) {
        List<ModelEvent> events = new java.util.ArrayList<>(slot.apply(d));
        events.addAll(slot.poll());
        return events;
    }

    @AfterEach
    void everyModelIsClosed() throws Exception {
        if (slot != null) {
            slot.close();
        }
        manual.runAll();
        awaitRetired();
        assertThat(factory.openModels()).as("open models after close").isZero();
    }

    @Test
    void aRecordWithoutModelGetsNoModel() {
        slot = directSlot();
        ServingResult result = slot.score(record(1));
        assertThat(result.getStatus()).isEqualTo(ServingStatus.NO_MODEL);
        assertThat(result.getRecordId()).isEqualTo("r");
        assertThat(result.getError()).contains("'test'");
    }

    @Test
    void aNewerVersionSupersedesTheCurrentOneAndResultsNameTheVersion() throws Exception {
        slot = directSlot();
        assertThat(deployAndPoll(version(1, "10")))
                .extracting(ModelEvent::getType)
                .containsExactly(ModelEventType.ACTIVATED);
        ServingResult v1 = slot.score(record(1));
        assertThat(v1.getStatus()).isEqualTo(ServingStatus.SCORED);
        assertThat(v1.getOutputsList()).containsExactly(11.0);
        assertThat(v1.getModelVersion()).isEqualTo(1);
        assertThat(v1.getModelSha256()).hasSize(64);

        List<ModelEvent> events = deployAndPoll(version(2, "20"));
        assertThat(events)
                .extracting(ModelEvent::getType)
                .containsExactly(ModelEventType.SUPERSEDED, ModelEventType.ACTIVATED);
        assertThat(events.get(1).getPreviousVersion()).isEqualTo(1);
        assertThat(events.get(1).getEmittedBy()).isEqualTo("test-0");
        ServingResult v2 = slot.score(record(1));
        assertThat(v2.getOutputsList()).containsExactly(21.0);
        assertThat(v2.getModelVersion()).isEqualTo(2);
        awaitRetired();
        assertThat(factory.openModels()).as("v1 closed when superseded").isEqualTo(1);
    }

    @Test
    void staleVersionsAreRejected() {
        slot = directSlot();
        deployAndPoll(version(2, "1"));
        for (long stale : new long[] {1, 2}) {
            List<ModelEvent> events = slot.apply(version(stale, "5"));
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
                assertThat(e.getReason()).startsWith("stale").contains("version " + stale);
            });
        }
        assertThat(slot.loading()).isFalse();
        assertThat(slot.score(record()).getModelVersion()).isEqualTo(2);
    }

    @Test
    void aFailedCandidateLeavesTheCurrentModelServingAndItsVersionMayBeReused() {
        slot = directSlot();
        deployAndPoll(version(1, "1"));
        List<ModelEvent> bad = deployAndPoll(
                constant("2").setVersion(2).addValidationSamples(sample(99)).build());
        assertThat(bad).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
            assertThat(e.getModelVersion()).isEqualTo(2);
            assertThat(e.getReason()).contains("VALIDATION_FAILED").contains("expected 99.0");
        });
        assertThat(deployAndPoll(version(2, "not a number")))
                .singleElement()
                .satisfies(e -> assertThat(e.getReason()).contains("INVALID_ARTIFACT"));
        assertThat(slot.score(record()).getModelVersion()).isEqualTo(1);
        assertThat(deployAndPoll(version(2, "2")))
                .extracting(ModelEvent::getType)
                .contains(ModelEventType.ACTIVATED);
    }

    @Test
    void theCurrentModelServesWhileTheCandidateLoads() {
        slot = slot(manual, ServingSlotState.getDefaultInstance());
        slot.apply(version(1, "1"));
        assertThat(slot.poll()).isEmpty();
        assertThat(slot.score(record()).getStatus()).isEqualTo(ServingStatus.NO_MODEL);
        manual.runAll();
        assertThat(slot.poll()).extracting(ModelEvent::getType).containsExactly(ModelEventType.ACTIVATED);

        slot.apply(version(2, "2"));
        assertThat(slot.loading()).isTrue();
        assertThat(slot.snapshot().getPending().getVersion()).isEqualTo(2);
        assertThat(slot.score(record()).getModelVersion()).isEqualTo(1);
        manual.runAll();
        assertThat(slot.score(record()).getModelVersion())
                .as("not current before poll")
                .isEqualTo(1);
        slot.poll();
        assertThat(slot.score(record()).getModelVersion()).isEqualTo(2);
        assertThat(slot.snapshot().hasPending()).isFalse();
    }

    @Test
    void aNewerCandidateReplacesOneStillLoading() throws Exception {
        slot = slot(manual, ServingSlotState.getDefaultInstance());
        slot.apply(version(1, "1"));
        List<ModelEvent> events = slot.apply(version(2, "2"));
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
            assertThat(e.getModelVersion()).isEqualTo(1);
            assertThat(e.getReason()).contains("replaced by version 2");
        });
        assertThat(slot.apply(version(2, "3")))
                .singleElement()
                .satisfies(e -> assertThat(e.getReason()).startsWith("stale"));
        manual.runAll();
        assertThat(slot.poll()).extracting(ModelEvent::getModelVersion).containsExactly(2L);
        awaitRetired();
        assertThat(factory.openModels())
                .as("the replaced candidate was closed after loading")
                .isEqualTo(1);
    }

    @Test
    void aRestoredSlotServesWithoutRepublishing() {
        slot = directSlot();
        deployAndPoll(version(3, "30"));
        ServingSlotState snapshot = slot.snapshot();
        slot.close();

        slot = slot(Runnable::run, snapshot);
        assertThat(slot.currentId()).as("rebuilt lazily").isEmpty();
        ServingResult result = slot.score(record(1));
        assertThat(result.getOutputsList()).containsExactly(31.0);
        assertThat(result.getModelVersion()).isEqualTo(3);
        assertThat(slot.apply(version(3, "1")))
                .singleElement()
                .satisfies(e -> assertThat(e.getReason()).startsWith("stale"));
    }

    @Test
    void aSnapshotTakenWhileLoadingFinishesTheLoadAfterRestore() {
        slot = slot(manual, ServingSlotState.getDefaultInstance());
        slot.apply(version(1, "1"));
        manual.runAll();
        slot.poll();
        slot.apply(version(2, "2"));
        ServingSlotState snapshot = slot.snapshot();
        assertThat(snapshot.getPending().getVersion()).isEqualTo(2);
        slot.close();
        manual.runAll();

        slot = slot(Runnable::run, snapshot);
        assertThat(slot.poll())
                .extracting(ModelEvent::getType)
                .containsExactly(ModelEventType.SUPERSEDED, ModelEventType.ACTIVATED);
        assertThat(slot.score(record()).getModelVersion()).isEqualTo(2);
    }

    @Test
    void rollbackReactivatesAKeptVersionAndRefusesUnknownOnes() {
        slot = directSlot();
        deployAndPoll(version(1, "1"));
        deployAndPoll(version(2, "2"));
        List<ModelEvent> events = deployAndPoll(command(ModelAction.ROLLBACK, 1, 3));
        assertThat(events)
                .extracting(ModelEvent::getType)
                .containsExactly(ModelEventType.SUPERSEDED, ModelEventType.ROLLED_BACK);
        assertThat(slot.score(record()).getModelVersion()).isEqualTo(1);
        assertThat(slot.snapshot().getHistoryList())
                .extracting(ModelDescriptor::getVersion)
                .containsExactly(2L);
        assertThat(slot.snapshot().getLatestVersionsMap())
                .as("the command's version is the newest")
                .containsEntry("constant", 3L);

        assertThat(slot.apply(command(ModelAction.ROLLBACK, 7, 4)))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
                    assertThat(e.getReason()).contains("not among the kept versions [constant@2]");
                });
        assertThat(slot.apply(command(ModelAction.ROLLBACK, 1, 4)))
                .singleElement()
                .satisfies(e -> assertThat(e.getReason()).contains("already serving"));
        assertThat(slot.apply(version(3, "9")))
                .as("the rollback took version 3")
                .singleElement()
                .satisfies(e -> assertThat(e.getReason()).startsWith("stale"));
        assertThat(deployAndPoll(version(4, "4")))
                .extracting(ModelEvent::getType)
                .containsExactly(ModelEventType.SUPERSEDED, ModelEventType.ACTIVATED);
    }

    @Test
    void commandsWithoutANewerVersionAreStale() {
        slot = directSlot();
        deployAndPoll(version(1, "1"));
        deployAndPoll(version(2, "2"));
        assertThat(slot.apply(command(ModelAction.ROLLBACK, 1, 2)))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
                    assertThat(e.getReason())
                            .startsWith("stale: rollback command version 2 is not newer than version 2");
                });
        assertThat(slot.apply(command(ModelAction.REMOVE, 0, 0)))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
                    assertThat(e.getReason()).startsWith("stale: remove command version 0");
                });
        assertThat(slot.score(record()).getModelVersion()).isEqualTo(2);
    }

    @Test
    void aSignedRollbackReplayedAfterANewerDeployIsStale() {
        slot = directSlot();
        java.security.PrivateKey key =
                PemKeys.generate(SigningAlgorithm.ED25519).getPrivate();
        deployAndPoll(DescriptorSignatures.sign(version(1, "1"), "ci", key));
        deployAndPoll(DescriptorSignatures.sign(version(2, "2"), "ci", key));
        ModelDescriptor rollback = DescriptorSignatures.sign(command(ModelAction.ROLLBACK, 1, 3), "ops", key);
        assertThat(deployAndPoll(rollback))
                .extracting(ModelEvent::getType)
                .containsExactly(ModelEventType.SUPERSEDED, ModelEventType.ROLLED_BACK);
        assertThat(slot.apply(version(3, "3")))
                .singleElement()
                .as("the event tells the version to exceed")
                .satisfies(e -> assertThat(e.getNewestVersion()).isEqualTo(3));
        assertThat(deployAndPoll(DescriptorSignatures.sign(version(4, "4"), "ci", key)))
                .filteredOn(e -> e.getType() == ModelEventType.ACTIVATED)
                .singleElement()
                .satisfies(e -> assertThat(e.getPublisherId()).isEqualTo("ci"));

        assertThat(slot.apply(rollback))
                .as("the same signed bytes, replayed")
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
                    assertThat(e.getReason())
                            .startsWith("stale: rollback command version 3 is not newer than version 4");
                    assertThat(e.getPublisherId()).isEqualTo("ops");
                });
        assertThat(slot.poll()).isEmpty();
        assertThat(slot.score(record()).getModelVersion()).isEqualTo(4);
        assertThat(slot.score(record()).getOutputs(0)).isEqualTo(4.0);
    }

    @Test
    void aRemoveReplayedAfterARedeployIsStale() {
        slot = directSlot();
        java.security.PrivateKey key =
                PemKeys.generate(SigningAlgorithm.EC_P256).getPrivate();
        deployAndPoll(version(1, "1"));
        ModelDescriptor remove = DescriptorSignatures.sign(command(ModelAction.REMOVE, 0, 2), "ops", key);
        assertThat(slot.apply(remove)).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo(ModelEventType.REMOVED);
            assertThat(e.getPublisherId()).as("the author of the change").isEqualTo("ops");
            assertThat(e.getModelVersion()).as("the version removed").isEqualTo(1);
            assertThat(e.getNewestVersion()).as("the version the command took").isEqualTo(2);
        });
        assertThat(slot.apply(version(2, "9")))
                .as("the remove took version 2")
                .singleElement()
                .satisfies(e -> assertThat(e.getReason()).startsWith("stale"));
        deployAndPoll(version(3, "3"));

        assertThat(slot.apply(remove)).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
            assertThat(e.getReason()).startsWith("stale: remove command version 2 is not newer than version 3");
        });
        assertThat(slot.score(record()).getModelVersion()).isEqualTo(3);
    }

    @Test
    void historyIsBounded() {
        slot = directSlot();
        for (long v = 1; v <= 5; v++) {
            deployAndPoll(version(v, Long.toString(v)));
        }
        assertThat(slot.snapshot().getHistoryList())
                .extracting(ModelDescriptor::getVersion)
                .containsExactly(3L, 4L);
    }

    @Test
    void removeStopsServingAndKeepsTheVersionForRollback() throws Exception {
        slot = directSlot();
        deployAndPoll(version(1, "1"));
        assertThat(slot.apply(command(ModelAction.REMOVE, 0, 2)))
                .singleElement()
                .satisfies(e -> assertThat(e.getType()).isEqualTo(ModelEventType.REMOVED));
        assertThat(slot.score(record()).getStatus()).isEqualTo(ServingStatus.NO_MODEL);
        awaitRetired();
        assertThat(factory.openModels()).isZero();
        assertThat(slot.apply(command(ModelAction.REMOVE, 0, 3)))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo(ModelEventType.REJECTED);
                    assertThat(e.getReason()).contains("does not serve");
                });
        assertThat(deployAndPoll(command(ModelAction.ROLLBACK, 1, 3)))
                .as("a refused remove takes no version")
                .extracting(ModelEvent::getType)
                .containsExactly(ModelEventType.ROLLED_BACK);
        assertThat(slot.score(record()).getModelVersion()).isEqualTo(1);
    }

    @Test
    void scoringFailuresBecomeFailedResultsWithLineage() {
        slot = directSlot();
        deployAndPoll(version(1, "1"));
        ServingResult failed = slot.score(record(Double.NaN));
        assertThat(failed.getStatus()).isEqualTo(ServingStatus.FAILED);
        assertThat(failed.getError()).contains("NaN");
        assertThat(failed.getModelVersion()).isEqualTo(1);
        assertThat(slot.score(record(1)).getStatus()).isEqualTo(ServingStatus.SCORED);
    }

    private static ModelDescriptor from(ModelDescriptor d, long offset) {
        return d.toBuilder()
                .setOrigin(dev.modelserving.proto.DescriptorOrigin.newBuilder()
                        .setTopic("models")
                        .setPartition(2)
                        .setOffset(offset))
                .build();
    }

    @Test
    void eventsNameThePreviousModelAndTheDescriptorThatCausedThem() {
        slot = directSlot();
        assertThat(deployAndPoll(from(version(1, "1"), 40))).singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo(ModelEventType.ACTIVATED);
            assertThat(e.getPreviousModelName()).isEmpty();
            assertThat(e.getPreviousVersion()).isZero();
            assertThat(e.getDescriptorTopic()).isEqualTo("models");
            assertThat(e.getDescriptorPartition()).isEqualTo(2);
            assertThat(e.getDescriptorOffset()).isEqualTo(40);
        });
        ModelDescriptor other =
                from(version(1, "2").toBuilder().setName("other").build(), 41);
        assertThat(deployAndPoll(other))
                .filteredOn(e -> e.getType() == ModelEventType.ACTIVATED)
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getModelName()).isEqualTo("other");
                    assertThat(e.getPreviousModelName())
                            .as("a swap to another model name")
                            .isEqualTo("constant");
                    assertThat(e.getPreviousVersion()).isEqualTo(1);
                    assertThat(e.getDescriptorOffset()).isEqualTo(41);
                });
        assertThat(deployAndPoll(from(command(ModelAction.ROLLBACK, 1, 2), 42)))
                .filteredOn(e -> e.getType() == ModelEventType.ROLLED_BACK)
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getModelVersion()).isEqualTo(1);
                    assertThat(e.getPreviousModelName()).isEqualTo("other");
                    assertThat(e.getDescriptorOffset())
                            .as("the rollback command, not the original deploy")
                            .isEqualTo(42);
                });
        assertThat(slot.apply(from(command(ModelAction.REMOVE, 0, 3), 43)))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.getType()).isEqualTo(ModelEventType.REMOVED);
                    assertThat(e.getDescriptorOffset()).as("the remove command").isEqualTo(43);
                });
    }

    @Test
    void statsCountTheCurrentVersionAndReportASupersededOneOnceMore() {
        slot = directSlot();
        assertThat(slot.stats(5000)).as("nothing serves").isEmpty();
        deployAndPoll(version(1, "1"));
        slot.score(record(1));
        slot.score(record(2));
        slot.score(record(Double.NaN));
        assertThat(slot.stats(5000)).singleElement().satisfies(s -> {
            assertThat(s.getDataType()).isEqualTo("test");
            assertThat(s.getModelName()).isEqualTo("constant");
            assertThat(s.getModelVersion()).isEqualTo(1);
            assertThat(s.getModelSha256()).isNotEmpty();
            assertThat(s.getServingSinceMillis()).isEqualTo(1000);
            assertThat(s.getRecords()).isEqualTo(3);
            assertThat(s.getScored()).isEqualTo(2);
            assertThat(s.getFailed()).isEqualTo(1);
            assertThat(s.getLatencyMaxNanos()).isGreaterThanOrEqualTo(s.getLatencyMinNanos());
            assertThat(s.getEmittedBy()).isEqualTo("test-0");
            assertThat(s.getServing()).isTrue();
        });
        slot.score(record(3));
        assertThat(slot.stats(6000))
                .as("cumulative")
                .singleElement()
                .satisfies(s -> assertThat(s.getScored()).isEqualTo(3));
        deployAndPoll(version(2, "2"));
        slot.score(record(4));
        List<dev.modelserving.proto.ModelStats> afterSwap = slot.stats(7000);
        assertThat(afterSwap)
                .extracting(
                        dev.modelserving.proto.ModelStats::getModelVersion,
                        dev.modelserving.proto.ModelStats::getRecords,
                        dev.modelserving.proto.ModelStats::getServing)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, 4L, false),
                        org.assertj.core.groups.Tuple.tuple(2L, 1L, true));
        assertThat(slot.stats(8000))
                .as("the superseded version is reported once")
                .singleElement()
                .satisfies(s -> assertThat(s.getModelVersion()).isEqualTo(2));
        slot.apply(command(ModelAction.REMOVE, 0, 3));
        assertThat(slot.stats(9000))
                .singleElement()
                .satisfies(s -> assertThat(s.getServing()).isFalse());
        assertThat(slot.stats(10000)).isEmpty();
    }

    @Test
    void aRestoredSlotCountsFromItsFirstRecord() {
        slot = directSlot();
        deployAndPoll(version(1, "1"));
        ServingSlotState saved = slot.snapshot();
        slot.close();
        slot = slot(Runnable::run, saved);
        assertThat(slot.stats(4000)).singleElement().satisfies(s -> {
            assertThat(s.getRecords()).isZero();
            assertThat(s.getServingSinceMillis()).isEqualTo(4000);
            assertThat(s.getServing()).isTrue();
        });
        slot.score(record(1));
        assertThat(slot.stats(5000))
                .singleElement()
                .satisfies(s -> assertThat(s.getScored()).isEqualTo(1));
    }

    @Test
    void closingWhileLoadingClosesTheLateModel() throws Exception {
        slot = slot(manual, ServingSlotState.getDefaultInstance());
        slot.apply(version(1, "1"));
        slot.close();
        slot = null;
        assertThat(manual.runAll()).as("the load ran after the close").isEqualTo(1);
        awaitRetired();
        assertThat(factory.openModels()).isZero();
    }
}
