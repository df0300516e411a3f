package dev.modelserving.model.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelFactory;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.model.tensor.RecordVectorizer;
import dev.modelserving.proto.ModelDescriptor;

/**
 * Builds {@link dev.modelserving.proto.ModelType#ONNX} models with ONNX Runtime: one session per model, created from
 * the artifact's bytes with one intra-op thread (records are scored on the caller's thread), in the process-wide
 * {@link OrtEnvironment}, which is never closed here.
 *
 * <p>Input: {@code input.tensor_name} or the model's only input; FLOAT, or DOUBLE (filled by conversion); its
 * declared shape must fit the descriptor's record shape, with a batch dimension of 1 added when the input has one
 * more dimension than a record. Output: {@code output.tensor_names[0]} or the model's first output (other than the
 * label tensor) as numbers, or a sequence of class-probability maps (scikit-learn's ZipMap); the label comes from
 * {@code output.label_tensor_name} when given.
 *
 * <p>What a model may make ONNX Runtime do: before a session exists the model's protobuf is checked by
 * {@link OnnxModelCheck}, which refuses tensors stored as external data (ONNX Runtime would read files the model
 * names) and ops from domains only a custom-op library provides. This factory never registers a custom-op library
 * ({@code SessionOptions.registerCustomOpLibrary} and friends are not called anywhere, and must not be: a library is
 * native code), so such ops could not run anyway; refusing them early gives a clear reason.
 */
public final class OnnxModelFactory implements ModelFactory {

    /** The type name this factory serves. */
    public static final String TYPE = "ONNX";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Model create(ModelDescriptor descriptor, ModelArtifact artifact, LoadPolicy policy)
            throws ModelLoadException {
        String model = descriptor.getName() + "@" + descriptor.getVersion();
        if (artifact.isDirectory()) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "ONNX model " + model + " must be a single .onnx file, but its artifact is the directory "
                            + artifact.directory());
        }
        byte[] bytes = artifact.bytes();
        if (bytes.length == 0) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT, "ONNX model " + model + " has an empty" + " artifact");
        }
        RecordVectorizer vectorizer = new RecordVectorizer(descriptor.getInput(), policy.maxInputElements());
        OnnxModelCheck.check(bytes, model);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession session = openSession(environment, bytes, model);
        try {
            OnnxInputPlan input =
                    OnnxInputPlan.resolve(session.getInputInfo(), descriptor.getInput(), vectorizer.staticShape());
            OnnxOutputPlan outputs = OnnxOutputPlan.resolve(session.getOutputInfo(), descriptor.getOutput());
            return new OnnxModel(
                    ModelId.of(descriptor, artifact),
                    environment,
                    session,
                    vectorizer,
                    input,
                    outputs,
                    outputs.effectiveSpec(descriptor.getOutput()));
        } catch (OrtException e) {
            ModelLoadException failure = new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "ONNX Runtime could not describe the inputs/outputs of model " + model + ": " + e.getMessage(),
                    e);
            closeAfterFailure(session, failure);
            throw failure;
        } catch (ModelLoadException | RuntimeException e) {
            closeAfterFailure(session, e);
            throw e;
        }
    }

    private static OrtSession openSession(OrtEnvironment environment, byte[] bytes, String model)
            throws ModelLoadException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            return environment.createSession(bytes, options);
        } catch (OrtException e) {
            throw new ModelLoadException(
                    ModelProblem.INVALID_ARTIFACT,
                    "ONNX Runtime could not load model " + model + " (" + bytes.length + " bytes): " + e.getMessage(),
                    e);
        }
    }

    private static void closeAfterFailure(OrtSession session, Exception failure) {
        try {
            session.close();
        } catch (OrtException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
