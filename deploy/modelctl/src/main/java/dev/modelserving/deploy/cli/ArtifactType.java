package dev.modelserving.deploy.cli;

import dev.modelserving.proto.ModelType;

/** The model types {@code modelctl descriptor} can package (the values of {@code --type}). */
enum ArtifactType {
    PMML(ModelType.PMML),
    TENSORFLOW_GRAPH(ModelType.TENSORFLOW_GRAPH),
    TENSORFLOW_SAVED_MODEL(ModelType.TENSORFLOW_SAVED_MODEL),
    ONNX(ModelType.ONNX);

    private final ModelType modelType;

    ArtifactType(ModelType modelType) {
        this.modelType = modelType;
    }

    ModelType modelType() {
        return modelType;
    }

    /** TF and ONNX models take tensors; PMML takes named fields. */
    boolean isTensorModel() {
        return this != PMML;
    }
}
