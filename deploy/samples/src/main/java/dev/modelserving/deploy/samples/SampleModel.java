package dev.modelserving.deploy.samples;

import dev.modelserving.proto.ModelDescriptor;

/**
 * A trained sample model: its descriptor (artifact inline) and how it compares with a naive baseline.
 *
 * @param descriptor the descriptor, with artifact bytes, sha256, specs, provenance and validation samples
 * @param artifactExtension file extension of the raw artifact (".pmml", ".pb", ".savedmodel.zip", ".onnx")
 * @param baselineValue the provenance metric of a naive baseline on the same held-out data (for rmse: predicting
 *     the current temperature; for accuracy: always predicting the training majority class)
 */
public record SampleModel(ModelDescriptor descriptor, String artifactExtension, double baselineValue) {

    /** {@code <name>-v<version>}. */
    public String baseName() {
        return descriptor.getName() + "-v" + descriptor.getVersion();
    }

    /** {@code <name>-v<version>.descriptor.pb}. */
    public String descriptorFileName() {
        return baseName() + ".descriptor.pb";
    }

    /** {@code <name>-v<version><extension>}. */
    public String artifactFileName() {
        return baseName() + artifactExtension;
    }

    /** The held-out quality figure from the provenance. */
    public double qualityValue() {
        return descriptor.getProvenance().getQualityMetricValue();
    }
}
