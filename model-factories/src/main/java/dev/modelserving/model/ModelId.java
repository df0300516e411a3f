package dev.modelserving.model;

import dev.modelserving.proto.ModelDescriptor;

/** Identity of one model version: what every result names for lineage. */
public record ModelId(String dataType, String name, long version, String type, String sha256) {

    /** The identity of the model a descriptor describes, with the hash of the artifact actually resolved. */
    public static ModelId of(ModelDescriptor descriptor, ModelArtifact artifact) {
        String sha = artifact.sha256().isEmpty() ? descriptor.getArtifactSha256() : artifact.sha256();
        return new ModelId(
                descriptor.getDataType(),
                descriptor.getName(),
                descriptor.getVersion(),
                ModelFactories.typeOf(descriptor),
                sha);
    }

    @Override
    public String toString() {
        return dataType + "/" + name + "@" + version + " (" + type + ")";
    }
}
