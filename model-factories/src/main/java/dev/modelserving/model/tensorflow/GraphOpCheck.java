package dev.modelserving.model.tensorflow;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * Checks a TensorFlow model's graph against the {@link TfOpPolicy} before TensorFlow imports or runs any of it.
 *
 * <ul>
 *   <li>Frozen graph: everything the served output (and label) tensors reach.
 *   <li>SavedModel ({@code saved_model.pb} or {@code .pbtxt} parsed here, before {@code SavedModelBundle.load}, which
 *       runs the restore and init ops): the MetaGraph the loader would pick (tags exactly {@code {serve}}); everything
 *       the served signature's inputs and outputs reach; the init op the loader runs (the
 *       {@value #INIT_OP_SIGNATURE} signature, or the {@code saved_model_main_op} / {@code legacy_init_op}
 *       collection, and TensorFlow Java's {@code table_initializer} collection); and the SaverDef's restore op,
 *       where the checkpoint-reading ops are also accepted.
 * </ul>
 * Function bodies called by any of these are checked whole (see {@link ReachableOperations}).
 */
final class GraphOpCheck {

    /** TF2's signature naming the SavedModel's init op. */
    static final String INIT_OP_SIGNATURE = "__saved_model_init_op";
    /** A chunked SavedModel graph (TF 2.13+), read by TensorFlow's loader but not by this check. */
    private static final String CHUNKED_FILE = "saved_model.cpb";
    /** Collections whose nodes TensorFlow's loader (main op) or TensorFlow Java's (table initializers) runs. */
    private static final List<String> INIT_OP_COLLECTIONS =
            List.of("saved_model_main_op", "legacy_init_op", "table_initializer");

    private GraphOpCheck() {}

    /**
     * Checks what computing {@code outputs} in a frozen graph may run.
     *
     * @throws ModelLoadException {@link ModelProblem#DISALLOWED_OPERATION}
     */
    static void frozenGraph(GraphDef graph, Collection<String> outputs, TfOpPolicy policy) throws ModelLoadException {
        ReachableOperations reach = new ReachableOperations(graph);
        policy.check(reach.from(outputs), reach, "computing the output tensors " + outputs, false);
    }

    /**
     * Reads the MetaGraph {@code SavedModelBundle.load} would load with tag
     * {@value TensorFlowSavedModelFactory#SERVE_TAG}.
     *
     * @param folder the SavedModel folder
     * @throws ModelLoadException {@link ModelProblem#INVALID_ARTIFACT} when the file cannot be read or parsed, or no
     *     MetaGraph has exactly that tag
     */
    static MetaGraphDef servedMetaGraph(Path folder) throws ModelLoadException {
        SavedModel savedModel = readSavedModel(folder);
        for (MetaGraphDef metaGraph : savedModel.getMetaGraphsList()) {
            List<String> tags = metaGraph.getMetaInfoDef().getTagsList();
            if (!tags.isEmpty() && tags.stream().allMatch(TensorFlowSavedModelFactory.SERVE_TAG::equals)) {
                return metaGraph;
            }
        }
        List<List<String>> tagSets = savedModel.getMetaGraphsList().stream()
                .map(m -> List.<String>copyOf(m.getMetaInfoDef().getTagsList()))
                .toList();
        throw new ModelLoadException(
                ModelProblem.INVALID_ARTIFACT,
                "the SavedModel has no MetaGraph tagged only '" + TensorFlowSavedModelFactory.SERVE_TAG
                        + "'; its tag sets: " + tagSets);
    }

    /**
     * Checks what loading (restore, init) and serving {@code signature} of {@code metaGraph} may run.
     *
     * @throws ModelLoadException {@link ModelProblem#DISALLOWED_OPERATION}
     */
    static void savedModel(MetaGraphDef metaGraph, ServingSignature signature, TfOpPolicy policy)
            throws ModelLoadException {
        ReachableOperations reach = new ReachableOperations(metaGraph.getGraphDef());
        List<String> served = new ArrayList<>();
        tensorNames(signature.definition().getInputsMap().values(), served);
        tensorNames(signature.definition().getOutputsMap().values(), served);
        policy.check(reach.from(served), reach, "signature '" + signature.key() + "'", false);

        List<String> init = new ArrayList<>();
        SignatureDef initSignature = metaGraph.getSignatureDefMap().get(INIT_OP_SIGNATURE);
        if (initSignature != null) {
            tensorNames(initSignature.getOutputsMap().values(), init);
            tensorNames(initSignature.getInputsMap().values(), init);
        }
        for (String collection : INIT_OP_COLLECTIONS) {
            CollectionDef ops = metaGraph.getCollectionDefMap().get(collection);
            if (ops != null) {
                init.addAll(ops.getNodeList().getValueList());
            }
        }
        policy.check(reach.from(init), reach, "the SavedModel's init op " + init, false);

        String restoreOp = metaGraph.getSaverDef().getRestoreOpName();
        if (!restoreOp.isEmpty()) {
            policy.check(
                    reach.from(List.of(restoreOp)),
                    reach,
                    "the SavedModel's variable restore op '" + restoreOp + "'",
                    true);
        }
    }

    private static void tensorNames(Collection<TensorInfo> tensors, List<String> into) {
        for (TensorInfo tensor : tensors) {
            switch (tensor.getEncodingCase()) {
                case NAME -> into.add(tensor.getName());
                case COO_SPARSE -> {
                    into.add(tensor.getCooSparse().getValuesTensorName());
                    into.add(tensor.getCooSparse().getIndicesTensorName());
                    into.add(tensor.getCooSparse().getDenseShapeTensorName());
                }
                case COMPOSITE_TENSOR -> tensorNames(tensor.getCompositeTensor().getComponentsList(), into);
                default -> {}
            }
        }
    }

    private static SavedModel readSavedModel(Path folder) throws ModelLoadException {
        Path binary = folder.resolve("saved_model.pb");
        Path text = folder.resolve("saved_model.pbtxt");
        if (Files.exists(folder.resolve(CHUNKED_FILE), LinkOption.NOFOLLOW_LINKS)) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "the SavedModel holds a chunked graph ("
                            + CHUNKED_FILE
                            + "), which TensorFlow may prefer over saved_model.pb; its operations cannot be"
                            + " checked, so it is not loaded");
        }
        try {
            // Like TensorFlow's loader: saved_model.pb wins whenever it exists, a symbolic link included (a directory
            // served in place may hold links inside itself); reading the .pbtxt then would check another graph.
            if (Files.exists(binary)) {
                return SavedModel.parseFrom(Files.readAllBytes(binary));
            }
            SavedModel.Builder builder = SavedModel.newBuilder();
            TextFormat.getParser().merge(Files.readString(text, StandardCharsets.UTF_8), builder);
            return builder.build();
        } catch (InvalidProtocolBufferException | TextFormat.ParseException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "cannot load the SavedModel: its graph file" + " is not a SavedModel protobuf: " + e.getMessage(),
                    e);
        } catch (IOException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "cannot load the SavedModel: its graph file" + " cannot be read: " + e,
                    e);
        }
    }
}
