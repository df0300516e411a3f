package dev.modelserving.model.tensorflow;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * The SavedModel signature a model serves, read from its MetaGraphDef (TF1 and TF2 SavedModels alike), and the
 * graph tensors behind its input and output keys.
 *
 * @param key the signature key
 * @param definition its inputs and outputs by key
 */
record ServingSignature(String key, SignatureDef definition) {

    /** The key TensorFlow uses for the default serving signature. */
    static final String DEFAULT_KEY = "serving_default";

    /**
     * The requested signature; when none is requested, {@code serving_default} if present, else the only one.
     * Keys starting with {@code "__"} (e.g. TF2's {@code __saved_model_init_op}) are not servable.
     */
    static ServingSignature select(MetaGraphDef metaGraph, String requestedKey) throws ModelLoadException {
        Map<String, SignatureDef> all = metaGraph.getSignatureDefMap();
        TreeSet<String> servable = new TreeSet<>();
        for (String key : all.keySet()) {
            if (!key.startsWith("__")) {
                servable.add(key);
            }
        }
        if (!requestedKey.isBlank()) {
            if (!servable.contains(requestedKey)) {
                throw new ModelLoadException(
                        ModelProblem.SPEC_MISMATCH,
                        "the SavedModel has no signature '" + requestedKey + "'; signatures: " + servable);
            }
            return new ServingSignature(requestedKey, all.get(requestedKey));
        }
        if (servable.contains(DEFAULT_KEY)) {
            return new ServingSignature(DEFAULT_KEY, all.get(DEFAULT_KEY));
        }
        if (servable.size() != 1) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "input.signature_key is empty and the SavedModel"
                            + " has " + servable.size() + " signatures " + servable + ", none of them '" + DEFAULT_KEY
                            + "'; name one");
        }
        String only = servable.first();
        return new ServingSignature(only, all.get(only));
    }

    /** The input for {@code requestedKey}, or the signature's only input when it is empty. */
    NamedTensor input(String requestedKey) throws ModelLoadException {
        Map<String, TensorInfo> inputs = definition.getInputsMap();
        String inputKey = requestedKey.isBlank() ? onlyKey(inputs, "input", "input.tensor_name") : requestedKey;
        return tensor(inputs, inputKey, "input");
    }

    /** The outputs for {@code requestedKeys}, or the signature's only output when none is requested. */
    List<NamedTensor> outputs(List<String> requestedKeys) throws ModelLoadException {
        Map<String, TensorInfo> outputs = definition.getOutputsMap();
        List<String> keys =
                requestedKeys.isEmpty() ? List.of(onlyKey(outputs, "output", "output.tensor_names")) : requestedKeys;
        List<NamedTensor> result = new ArrayList<>();
        for (String outputKey : keys) {
            result.add(tensor(outputs, outputKey, "output"));
        }
        return result;
    }

    /** The output for one key (e.g. the label output). */
    NamedTensor output(String outputKey) throws ModelLoadException {
        return tensor(definition.getOutputsMap(), outputKey, "output");
    }

    private String onlyKey(Map<String, TensorInfo> tensors, String role, String field) throws ModelLoadException {
        if (tensors.size() != 1) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    field + " is empty and signature '" + key
                            + "' has " + tensors.size() + " " + role + "s " + new TreeSet<>(tensors.keySet())
                            + "; name the one to use");
        }
        return tensors.keySet().iterator().next();
    }

    private NamedTensor tensor(Map<String, TensorInfo> tensors, String tensorKey, String role)
            throws ModelLoadException {
        TensorInfo info = tensors.get(tensorKey);
        if (info == null) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "signature '" + key + "' has no " + role + " '" + tensorKey + "'; its " + role + "s: "
                            + new TreeSet<>(tensors.keySet()));
        }
        String description = "signature '" + key + "' " + role + " '" + tensorKey + "'";
        if (info.getEncodingCase() != TensorInfo.EncodingCase.NAME) {
            throw new ModelLoadException(
                    ModelProblem.SPEC_MISMATCH,
                    "the " + description + " is a " + info.getEncodingCase()
                            + " tensor; only dense tensors are supported");
        }
        TensorName name = TensorName.parse(info.getName());
        return new NamedTensor(name, description + " (tensor '" + name + "')");
    }
}
