package dev.modelserving.model.tensorflow;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelFactory;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.archive.SafeArchive;
import dev.modelserving.model.archive.UnpackedArchive;
import dev.modelserving.model.archive.UnpackedBytesBudget;
import dev.modelserving.model.tensor.RecordVectorizer;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.OutputSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.MetaGraphDef;

/**
 * Builds models of type {@code TENSORFLOW_SAVED_MODEL}: the artifact is a zip, tar or tar.gz archive of a SavedModel
 * directory (unpacked by {@link SafeArchive} into a private directory deleted when the model closes), or a directory
 * location loaded in place and never modified. The SavedModel may sit at the top of the archive/directory or inside
 * one top-level folder.
 *
 * <p>Loaded with tag {@code serve}. Signature: {@code input.signature_key}, else {@code serving_default}, else the
 * only one. Input: the signature input key {@code input.tensor_name}, else the only input. Outputs: the signature
 * output keys {@code output.tensor_names}, else the only output; {@code output.label_tensor_name} is an output key
 * too. Records are fed and outputs fetched by the signature's tensor names.
 *
 * <p>{@code SavedModelBundle.load} runs the model's restore and init ops, so the SavedModel's graph is read and checked
 * first ({@link GraphOpCheck}): the served signature, the init op and the restore op, with the library functions they
 * call, must pass the op policy ({@link TfOpPolicy}), else the model is refused with
 * {@link ModelProblem#DISALLOWED_OPERATION} and TensorFlow never sees it.
 */
public final class TensorFlowSavedModelFactory implements ModelFactory {

    /** The model type this factory serves. */
    public static final String TYPE = "TENSORFLOW_SAVED_MODEL";
    /** The MetaGraph tag loaded. */
    public static final String SERVE_TAG = "serve";

    private static final List<String> MODEL_FILES = List.of("saved_model.pb", "saved_model.pbtxt");

    private final Path unpackRoot;

    /** Unpacks archives under {@code java.io.tmpdir}. */
    public TensorFlowSavedModelFactory() {
        this(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Unpacks archives under {@code unpackRoot} (an existing directory). */
    public TensorFlowSavedModelFactory(Path unpackRoot) {
        this.unpackRoot = Objects.requireNonNull(unpackRoot, "unpackRoot");
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy)
            throws ModelLoadException {
        return create(descriptor, artifact, policy, UnpackedBytesBudget.unlimited());
    }

    /** Unpacks an archive artifact within the subtask's budget; the model gives the bytes back when it closes. */
    @Override
    public Model create(
            ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy, UnpackedBytesBudget unpackedBytes)
            throws ModelLoadException {
        RecordVectorizer vectorizer = new RecordVectorizer(descriptor.getInput(), policy.maxInputElements());
        UnpackedArchive unpacked = null;
        SavedModelBundle bundle = null;
        try {
            Path base;
            if (artifact.isDirectory()) {
                base = artifact.directory();
                rejectEscapingLinks(base);
            } else {
                unpacked = new SafeArchive(policy, unpackRoot, unpackedBytes).unpack(artifact.bytes());
                base = unpacked.root();
            }
            Path folder = locate(base);
            MetaGraphDef metaGraph = GraphOpCheck.servedMetaGraph(folder);
            ServingSignature signature =
                    ServingSignature.select(metaGraph, descriptor.getInput().getSignatureKey());
            GraphOpCheck.savedModel(metaGraph, signature, new TfOpPolicy(policy.extraAllowedTfOps()));
            bundle = load(folder);
            NamedTensor input = signature.input(descriptor.getInput().getTensorName());
            OutputSpec outputSpec = descriptor.getOutput();
            List<NamedTensor> outputs = signature.outputs(outputSpec.getTensorNamesList());
            NamedTensor label = outputSpec.getLabelTensorName().isBlank()
                    ? null
                    : signature.output(outputSpec.getLabelTensorName());
            GraphBinding binding = GraphBinding.bind(bundle.graph(), input, outputs, label, vectorizer.staticShape());
            List<AutoCloseable> owned = new ArrayList<>();
            owned.add(bundle);
            if (unpacked != null) {
                owned.add(unpacked);
            }
            return new TensorFlowModel(
                    ModelId.of(descriptor, artifact), bundle.session(), binding, vectorizer, outputSpec, owned);
        } catch (ModelLoadException | RuntimeException e) {
            Closeables.closeAfterFailure(e, bundle, unpacked);
            throw e;
        }
    }

    /** The SavedModel folder: {@code base} itself, or its one top-level folder holding a saved_model.pb. */
    static Path locate(Path base) throws ModelLoadException {
        if (holdsSavedModel(base)) {
            return base;
        }
        List<Path> found = new ArrayList<>();
        List<String> topLevel = new ArrayList<>();
        try (Stream<Path> children = Files.list(base)) {
            for (Path child : (Iterable<Path>) children.sorted()::iterator) {
                topLevel.add(child.getFileName().toString());
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) && holdsSavedModel(child)) {
                    found.add(child);
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException(ModelProblem.INVALID_ARTIFACT, "cannot list the SavedModel folder: " + e, e);
        }
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.isEmpty()) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "no saved_model.pb at the top of the"
                            + " artifact or in a top-level folder; top-level entries: "
                            + topLevel.subList(0, Math.min(10, topLevel.size())));
        }
        throw new ModelLoadException(
                ModelProblem.INVALID_ARTIFACT,
                "several top-level folders hold a SavedModel: "
                        + found.stream().map(p -> p.getFileName().toString()).toList());
    }

    private static boolean holdsSavedModel(Path folder) {
        return MODEL_FILES.stream().anyMatch(f -> Files.isRegularFile(folder.resolve(f), LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * A SavedModel directory served in place must not reach outside itself through symbolic links, and holds only
     * regular files and folders.
     */
    private static void rejectEscapingLinks(Path directory) throws ModelLoadException {
        try (Stream<Path> paths = Files.walk(directory)) {
            Path real = directory.toRealPath();
            for (Path path : (Iterable<Path>) paths::iterator) {
                if (Files.isSymbolicLink(path)) {
                    Path target = path.toRealPath();
                    if (!target.startsWith(real)) {
                        throw new ModelLoadException(
                                ModelProblem.UNSAFE_ARCHIVE,
                                "'" + directory.relativize(path)
                                        + "' in the SavedModel directory " + directory + " is a symbolic link to "
                                        + target
                                        + ", outside the directory");
                    }
                }
                // A FIFO, device or socket would block or feed endless bytes to whoever opens it (TensorFlow's
                // loader, or this factory's own op check): only files and folders are served.
                if (!Files.isRegularFile(path) && !Files.isDirectory(path)) {
                    throw new ModelLoadException(
                            ModelProblem.UNSAFE_ARCHIVE,
                            "'" + directory.relativize(path)
                                    + "' in the SavedModel directory " + directory
                                    + " is not a regular file or folder (a"
                                    + " FIFO, device or socket)");
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT, "cannot read the SavedModel directory " + directory + ": " + e, e);
        }
    }

    private static SavedModelBundle load(Path folder) throws ModelLoadException {
        try {
            return SavedModelBundle.loader(folder.toString())
                    .withTags(SERVE_TAG)
                    .withConfigProto(TensorFlowModel.sessionConfig())
                    .load();
        } catch (TensorFlowException | IllegalArgumentException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "TensorFlow cannot load the SavedModel with" + " tag '" + SERVE_TAG + "': " + e.getMessage(),
                    e);
        }
    }
}
