package dev.modelserving.model.tensorflow;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelFactory;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.tensor.RecordVectorizer;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.OutputSpec;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.GraphDef;

/**
 * Builds models of type {@code TENSORFLOW_GRAPH}: the artifact is a serialized {@code GraphDef} with its variables
 * frozen into constants.
 *
 * <p>Input: {@code input.tensor_name} ({@code "x"} or {@code "x:0"}), or the graph's only Placeholder when empty.
 * Outputs: {@code output.tensor_names} (required, the first is the primary output) and optionally
 * {@code output.label_tensor_name}. Every named tensor must exist in the graph and the input's static shape must fit
 * the records.
 *
 * <p>Before TensorFlow imports the graph, everything the output and label tensors reach (and the library functions
 * they call) must pass the op policy ({@link TfOpPolicy}): a graph that would read or write files, print, or run any
 * other op outside the allowlist is refused with {@link ModelProblem#DISALLOWED_OPERATION}.
 */
public final class TensorFlowGraphFactory implements ModelFactory {

    /** The model type this factory serves. */
    public static final String TYPE = "TENSORFLOW_GRAPH";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy)
            throws ModelLoadException {
        if (artifact.isDirectory()) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    TYPE + " needs the GraphDef bytes (a .pb" + " file), not a directory: " + artifact.directory());
        }
        GraphDef graphDef = parse(artifact.bytes());
        RecordVectorizer vectorizer = new RecordVectorizer(descriptor.getInput(), policy.maxInputElements());
        GraphOpCheck.frozenGraph(
                graphDef, servedTensors(descriptor.getOutput()), new TfOpPolicy(policy.extraAllowedTfOps()));
        Graph graph = new Graph();
        Session session = null;
        try {
            importInto(graph, graphDef);
            NamedTensor input = input(graph, descriptor.getInput());
            List<NamedTensor> outputs = outputs(graph, descriptor.getOutput());
            NamedTensor label = descriptor.getOutput().getLabelTensorName().isBlank()
                    ? null
                    : NamedTensor.graphTensor(
                            "label", TensorName.parse(descriptor.getOutput().getLabelTensorName()));
            GraphBinding binding = GraphBinding.bind(graph, input, outputs, label, vectorizer.staticShape());
            session = new Session(graph, TensorFlowModel.sessionConfig());
            return new TensorFlowModel(
                    ModelId.of(descriptor, artifact),
                    session,
                    binding,
                    vectorizer,
                    descriptor.getOutput(),
                    List.of(session, graph));
        } catch (ModelLoadException | RuntimeException e) {
            Closeables.closeAfterFailure(e, session, graph);
            throw e;
        }
    }

    /** The output and label tensors the model fetches: what scoring runs. */
    private static List<String> servedTensors(OutputSpec spec) throws ModelLoadException {
        List<String> names = new ArrayList<>();
        for (String name : spec.getTensorNamesList()) {
            names.add(TensorName.parse(name).operation());
        }
        if (!spec.getLabelTensorName().isBlank()) {
            names.add(TensorName.parse(spec.getLabelTensorName()).operation());
        }
        return names;
    }

    private static GraphDef parse(byte[] bytes) throws ModelLoadException {
        GraphDef graphDef;
        try {
            graphDef = GraphDef.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "the artifact (" + bytes.length + " bytes) is not a TensorFlow GraphDef: " + e.getMessage(),
                    e);
        }
        // Also guards the native import, which crashes the JVM on an empty buffer.
        if (graphDef.getNodeCount() == 0) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "the artifact (" + bytes.length + " bytes) is not a TensorFlow GraphDef: it has no nodes");
        }
        return graphDef;
    }

    private static void importInto(Graph graph, GraphDef graphDef) throws ModelLoadException {
        try {
            graph.importGraphDef(graphDef);
        } catch (TensorFlowException | IllegalArgumentException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "TensorFlow cannot import the GraphDef (" + graphDef.getNodeCount() + " nodes): " + e.getMessage(),
                    e);
        }
    }

    private static NamedTensor input(Graph graph, InputSpec spec) throws ModelLoadException {
        if (!spec.getTensorName().isBlank()) {
            return NamedTensor.graphTensor("input", TensorName.parse(spec.getTensorName()));
        }
        List<String> placeholders = GraphBinding.placeholders(graph);
        if (placeholders.size() != 1) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "input.tensor_name is empty and the graph has " + placeholders.size() + " placeholders "
                            + placeholders + "; name the input tensor");
        }
        return NamedTensor.graphTensor("input", new TensorName(placeholders.get(0), 0));
    }

    private static List<NamedTensor> outputs(Graph graph, OutputSpec spec) throws ModelLoadException {
        if (spec.getTensorNamesCount() == 0) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "output.tensor_names is empty; a "
                            + TYPE + " model needs its output tensors named (operations nothing consumes: "
                            + GraphBinding.unconsumedOperations(graph, 10) + ")");
        }
        List<NamedTensor> outputs = new ArrayList<>();
        for (String name : spec.getTensorNamesList()) {
            outputs.add(NamedTensor.graphTensor("output", TensorName.parse(name)));
        }
        return outputs;
    }
}
