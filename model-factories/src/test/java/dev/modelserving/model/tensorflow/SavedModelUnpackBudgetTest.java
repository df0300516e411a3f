package dev.modelserving.model.tensorflow;

import static dev.modelserving.model.tensorflow.TensorFlowGraphFactoryTest.assertProblem;
import static dev.modelserving.model.tensorflow.TfDescriptors.descriptor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.archive.UnpackedBytesBudget;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unpacked bytes budget of a subtask is shared by every SavedModel archive its loader unpacks. */
class SavedModelUnpackBudgetTest {

    @TempDir
    static Path exports;

    private static Path savedModel;

    @TempDir
    Path unpackRoot;

    @BeforeAll
    static void export() {
        savedModel = TfTestModels.savedModel(exports.resolve("default"), "serving_default");
    }

    private ModelLoader loader(UnpackedBytesBudget budget) {
        return new ModelLoader(
                ModelFactories.of(List.of(new TensorFlowSavedModelFactory(unpackRoot))), LoadPolicy.defaults(), budget);
    }

    private static ModelDescriptor savedModel(long version, byte[] archive) {
        return descriptor(ModelType.TENSORFLOW_SAVED_MODEL, archive)
                .setVersion(version)
                .setOutput(OutputSpec.newBuilder().setKind(OutputKind.RAW_VECTOR))
                .build();
    }

    @Test
    void twoModelsThatFitAloneButNotTogetherAreRefusedUntilTheFirstCloses() throws Exception {
        ModelDescriptor first = savedModel(1, TfTestModels.zip(savedModel, ""));
        ModelDescriptor second = savedModel(2, TfTestModels.tarGz(savedModel, "model/"));
        UnpackedBytesBudget probe = UnpackedBytesBudget.unlimited();
        long size;
        try (Model model = loader(probe).load(first)) {
            size = probe.inUse();
        }
        assertThat(size).as("bytes of one unpacked SavedModel").isPositive();
        assertThat(probe.inUse()).as("given back when the model closed").isZero();

        UnpackedBytesBudget budget = new UnpackedBytesBudget(size + size / 2);
        ModelLoader loader = loader(budget);
        Model alive = loader.load(first);
        assertThat(budget.inUse()).isEqualTo(size);
        assertProblem(
                () -> loader.load(second),
                ModelProblem.RESOURCE_LIMIT,
                "budget of " + (size + size / 2) + " bytes",
                "--max-unpacked-bytes-per-subtask");
        assertThat(budget.inUse())
                .as("the refused unpacking gave its bytes back")
                .isEqualTo(size);
        try (var entries = java.nio.file.Files.list(unpackRoot)) {
            assertThat(entries.count()).as("only the live model's directory").isEqualTo(1);
        }

        alive.close();
        assertThat(budget.inUse()).isZero();
        try (Model model = loader.load(second)) {
            assertThat(budget.inUse()).isEqualTo(size);
            assertThat(model.id().version()).isEqualTo(2);
        }
        assertThat(budget.inUse()).isZero();
        assertThat(unpackRoot).isEmptyDirectory();
    }
}
