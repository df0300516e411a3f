package dev.modelserving.model.tensorflow;

import static dev.modelserving.model.tensorflow.TensorFlowGraphFactoryTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.TextFormat;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.SavedModel;

/**
 * A SavedModel directory served in place may hold symbolic links that stay inside it. TensorFlow's loader follows a
 * {@code saved_model.pb} link; the op check must read the same graph, not fall back to a harmless
 * {@code saved_model.pbtxt} placed next to it. Nor may such a directory hold a FIFO, which blocks whoever opens it.
 */
class SavedModelLinkedGraphTest {

    private static final double[] X = {1.0, 2.0, 4.0};
    private static final String SECRET = "not for models\n";

    @TempDir
    Path dir;

    private Model load(Path savedModel, LoadPolicy policy) throws Exception {
        ModelDescriptor descriptor = TfDescriptors.descriptor(ModelType.TENSORFLOW_SAVED_MODEL, new byte[] {1})
                .clearArtifactBytes()
                .setArtifactLocation(savedModel.toString())
                .setOutput(TfDescriptors.regressor(HostileTfModels.SCORE))
                .build();
        return new TensorFlowSavedModelFactory(dir).create(descriptor, ModelArtifact.ofDirectory(savedModel), policy);
    }

    /** The ReadFile model, its graph behind a link {@code saved_model.pb}, a harmless graph as {@code .pbtxt}. */
    private Path linkedGraphBesideAHarmlessText() throws Exception {
        Path secret = Files.writeString(dir.resolve("secret.txt"), SECRET);
        Path evil = HostileTfModels.readFileSavedModel(dir.resolve("evil"), secret);
        Path plain = HostileTfModels.plainSavedModel(dir.resolve("plain"));
        SavedModel harmless = SavedModel.parseFrom(Files.readAllBytes(plain.resolve("saved_model.pb")));
        Files.writeString(
                evil.resolve("saved_model.pbtxt"),
                TextFormat.printer().printToString(harmless),
                StandardCharsets.UTF_8);
        Files.move(evil.resolve("saved_model.pb"), evil.resolve("graph.pb"));
        Files.createSymbolicLink(evil.resolve("saved_model.pb"), Path.of("graph.pb"));
        return evil;
    }

    @Test
    void theGraphBehindALinkedSavedModelPbIsTheOneChecked() throws Exception {
        Path savedModel = linkedGraphBesideAHarmlessText();
        assertProblem(
                () -> load(savedModel, LoadPolicy.defaults()),
                ModelProblem.DISALLOWED_OPERATION,
                "signature 'serving_default'",
                "[ReadFile]");
        // TensorFlow itself loads the linked graph: with ReadFile allowed, the secret's length is in the score.
        try (Model model = load(savedModel, LoadPolicy.defaults().withExtraAllowedTfOps(List.of("ReadFile")))) {
            assertThat(model.score(TfDescriptors.record(X)).outputs()[0])
                    .isCloseTo(7.0 + SECRET.length(), within(1e-6));
        }
    }

    @Test
    void aFifoInTheSavedModelDirectoryIsRefusedWithoutOpeningIt() throws Exception {
        Path savedModel = HostileTfModels.plainSavedModel(dir.resolve("with-fifo"));
        Path fifo = savedModel.resolve("variables").resolve("notes.fifo");
        Process mkfifo =
                new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        assertProblem(
                () -> load(savedModel, LoadPolicy.defaults()),
                ModelProblem.UNSAFE_ARCHIVE,
                "notes.fifo",
                "not a regular file or folder");
        Files.delete(fifo);
        try (Model model = load(savedModel, LoadPolicy.defaults())) {
            assertThat(model.score(TfDescriptors.record(X)).outputs()[0]).isCloseTo(7.0, within(1e-6));
        }
    }
}
