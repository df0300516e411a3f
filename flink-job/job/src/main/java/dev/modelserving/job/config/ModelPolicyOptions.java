package dev.modelserving.job.config;

import dev.modelserving.model.LoadPolicy;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/** What a model may be and do: where its artifacts may come from, their sizes, inputs and allowed operations. */
public final class ModelPolicyOptions {

    /** Directories under which descriptors may reference artifacts by location. */
    public static final ConfigOption<List<String>> ALLOWED_MODEL_ROOTS = ConfigOptions.key(
                    JobOptions.PREFIX + "allowed-model-roots")
            .stringType()
            .asList()
            .defaultValues()
            .withDescription("Directories (comma-separated) under which artifact locations must resolve; none:"
                    + " descriptors that reference an artifact by location are refused.");

    /** Largest model artifact. */
    public static final ConfigOption<MemorySize> MAX_ARTIFACT_BYTES = ConfigOptions.key(
                    JobOptions.PREFIX + "max-artifact-bytes")
            .memoryType()
            .defaultValue(new MemorySize(LoadPolicy.DEFAULT_MAX_ARTIFACT_BYTES))
            .withDescription("Largest model artifact.");

    /** Largest unpacked archive of one model. */
    public static final ConfigOption<MemorySize> MAX_UNPACKED_BYTES = ConfigOptions.key(
                    JobOptions.PREFIX + "max-unpacked-bytes")
            .memoryType()
            .defaultValue(new MemorySize(LoadPolicy.DEFAULT_MAX_UNPACKED_BYTES))
            .withDescription("Largest unpacked archive (SavedModel) of one model.");

    /** Whether descriptors without validation samples are rejected. */
    public static final ConfigOption<Boolean> REQUIRE_VALIDATION_SAMPLES = ConfigOptions.key(
                    JobOptions.PREFIX + "require-validation-samples")
            .booleanType()
            .defaultValue(false)
            .withDescription("Reject descriptors without validation samples (the flag alone means true).");

    /** Most values one record may feed a TensorFlow or ONNX model. */
    public static final ConfigOption<Long> MAX_INPUT_ELEMENTS = ConfigOptions.key(
                    JobOptions.PREFIX + "max-input-elements")
            .longType()
            .defaultValue(LoadPolicy.DEFAULT_MAX_INPUT_ELEMENTS)
            .withDescription("Most values one record may feed a TensorFlow or ONNX model (the default is 16 MiB of"
                    + " floats).");

    /** TensorFlow op types allowed on top of the built-in allowlist. */
    public static final ConfigOption<List<String>> ALLOW_TF_OPS = ConfigOptions.key(JobOptions.PREFIX + "allow-tf-ops")
            .stringType()
            .asList()
            .defaultValues()
            .withDescription("TensorFlow op types (comma-separated) allowed on top of the built-in allowlist, e.g."
                    + " a trusted custom op; see \"What a model may do\".");

    /** PMML functions allowed besides the built-ins and a document's own. */
    public static final ConfigOption<List<String>> ALLOW_PMML_FUNCTIONS = ConfigOptions.key(
                    JobOptions.PREFIX + "allow-pmml-functions")
            .stringType()
            .asList()
            .defaultValues()
            .withDescription("PMML functions (comma-separated) allowed besides the built-ins and a document's own"
                    + " DefineFunctions; see \"What a model may do\".");

    private ModelPolicyOptions() {}
}
