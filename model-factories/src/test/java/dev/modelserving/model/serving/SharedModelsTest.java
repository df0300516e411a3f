package dev.modelserving.model.serving;

import static dev.modelserving.model.TestDescriptors.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.ArtifactSource;
import dev.modelserving.model.ConstantModelFactory;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.LoadedModel;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.SlowModelFactory;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.model.archive.UnpackedBytesBudget;
import dev.modelserving.proto.DescriptorOrigin;
import dev.modelserving.proto.ModelDescriptor;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One instance per exact descriptor among the loaders of a registry, reference-counted. */
class SharedModelsTest {

    private final ConstantModelFactory constant = new ConstantModelFactory();
    private final SlowModelFactory slow = new SlowModelFactory();
    private final SharedModels registry = new SharedModels();

    /** A loader like the one of one subtask: its own budget, the TaskManager's registry. */
    private ModelLoader subtaskLoader() {
        return new ModelLoader(
                ModelFactories.of(List.of(constant, slow)),
                LoadPolicy.defaults(),
                UnpackedBytesBudget.unlimited(),
                ArtifactSource.none(),
                registry);
    }

    private static ModelDescriptor version(long v, String value) {
        return TestDescriptors.constant(value).setVersion(v).build();
    }

    @Test
    void twoSlotsShareOneInstanceAndTheLastReleaseClosesIt() throws Exception {
        ModelLoader first = subtaskLoader();
        ModelLoader second = subtaskLoader();
        // The same descriptor consumed by two subtasks carries two origins: still the same model.
        ModelDescriptor d = version(1, "5");
        LoadedModel a = first.loadAndWarmUp(d.toBuilder()
                .setOrigin(DescriptorOrigin.newBuilder().setTopic("models").setOffset(1))
                .build());
        LoadedModel b = second.loadAndWarmUp(d.toBuilder()
                .setOrigin(DescriptorOrigin.newBuilder().setTopic("models").setOffset(2))
                .build());

        assertThat(registry.builds()).as("instances built").isEqualTo(1);
        assertThat(constant.openModels()).as("instances open").isEqualTo(1);
        assertThat(a.shared()).isFalse();
        assertThat(b.shared()).isTrue();
        assertThat(b.model().score(record(1)).outputs()).containsExactly(6.0);

        a.model().close();
        a.model().close(); // a second close of the same lease releases nothing more
        assertThat(constant.openModels()).as("still used by the second slot").isEqualTo(1);
        assertThat(b.model().score(record(2)).outputs()).containsExactly(7.0);
        b.model().close();
        assertThat(constant.openModels()).isZero();
        assertThat(registry.closes()).isEqualTo(1);
        assertThat(registry.instances()).isZero();

        LoadedModel again = first.loadAndWarmUp(d);
        assertThat(registry.builds())
                .as("a released version is built again when asked")
                .isEqualTo(2);
        again.model().close();
    }

    @Test
    void anotherVersionOrAnotherDescriptorIsAnotherInstance() throws Exception {
        ModelLoader loader = subtaskLoader();
        LoadedModel v1 = loader.loadAndWarmUp(version(1, "5"));
        LoadedModel v2 = loader.loadAndWarmUp(version(2, "5"));
        LoadedModel v1Other = loader.loadAndWarmUp(
                version(1, "5").toBuilder().setValidationTolerance(0.5).build());
        assertThat(registry.builds()).isEqualTo(3);
        assertThat(constant.openModels()).isEqualTo(3);
        v1.model().close();
        v2.model().close();
        v1Other.model().close();
        assertThat(constant.openModels()).isZero();
    }

    @Test
    void aSlotAskingDuringTheBuildWaitsForItInsteadOfBuildingAgain() throws Exception {
        ModelLoader first = subtaskLoader();
        ModelLoader second = subtaskLoader();
        ModelDescriptor slowLoad =
                SlowModelFactory.descriptor("test", "slow", 1, 300, 0, 1.0).build();
        CompletableFuture<LoadedModel> building = CompletableFuture.supplyAsync(() -> load(first, slowLoad));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (registry.instances() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        LoadedModel waited = second.loadAndWarmUp(slowLoad);
        LoadedModel built = building.get(10, TimeUnit.SECONDS);
        assertThat(registry.builds()).isEqualTo(1);
        assertThat(waited.shared()).isTrue();
        assertThat(built.shared()).isFalse();
        assertThat(registry.references(first.sharingKeyOf(slowLoad))).isEqualTo(2);
        waited.model().close();
        built.model().close();
        assertThat(registry.instances()).isZero();
    }

    @Test
    void aFailedBuildFailsAndLeavesNothingBehind() {
        ModelLoader loader = subtaskLoader();
        assertThatThrownBy(() -> loader.loadAndWarmUp(version(1, "not a number")))
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.INVALID_ARTIFACT));
        assertThat(registry.instances()).isZero();
        assertThat(registry.builds()).isZero();
    }

    private static LoadedModel load(ModelLoader loader, ModelDescriptor d) {
        try {
            return loader.loadAndWarmUp(d);
        } catch (ModelLoadException e) {
            throw new IllegalStateException(e);
        }
    }
}
