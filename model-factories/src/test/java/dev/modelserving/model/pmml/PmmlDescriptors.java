package dev.modelserving.model.pmml;

import com.google.protobuf.ByteString;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelFactories;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.FieldMapping;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import java.util.List;
import java.util.Map;

/** Descriptors, records and loaders for the PMML tests. */
final class PmmlDescriptors {

    private PmmlDescriptors() {}

    /** A PMML descriptor carrying {@code document} inline, without mappings or samples. */
    static ModelDescriptor.Builder descriptor(String name, String document) {
        return ModelDescriptor.newBuilder()
                .setName(name)
                .setVersion(1)
                .setDataType("test-" + name)
                .setModelType(ModelType.PMML)
                .setArtifactBytes(ByteString.copyFrom(PmmlDocuments.bytes(document)));
    }

    static FieldMapping mapping(String recordFeature, String modelField) {
        return FieldMapping.newBuilder()
                .setRecordFeature(recordFeature)
                .setModelField(modelField)
                .build();
    }

    static DataRecord record(Map<String, Double> features) {
        return DataRecord.newBuilder().setId("r").putAllFeatures(features).build();
    }

    /** A loader that knows only the PMML factory. */
    static ModelLoader loader() {
        return new ModelLoader(ModelFactories.of(List.of(new PmmlModelFactory())), LoadPolicy.defaults());
    }

    /** Builds straight through the factory (no validation samples involved). */
    static PmmlModel create(ModelDescriptor descriptor) throws ModelLoadException {
        Model model = new PmmlModelFactory()
                .create(
                        descriptor,
                        ModelArtifact.ofBytes(descriptor.getArtifactBytes().toByteArray()),
                        LoadPolicy.defaults());
        return (PmmlModel) model;
    }
}
