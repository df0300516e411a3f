package dev.modelserving.deploy.bench;

import com.google.protobuf.ByteString;
import dev.modelserving.deploy.samples.CnnModels;
import dev.modelserving.deploy.samples.SampleModel;
import dev.modelserving.deploy.samples.SampleModels;
import dev.modelserving.deploy.samples.SensorExample;
import dev.modelserving.deploy.samples.WideMlpModels;
import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The models the throughput suite serves and the records it feeds them: the sample models of
 * {@link SampleModels} (version 1 of each) on sensor records, the heavy CNN of {@link CnnModels} (TensorFlow and
 * ONNX) on 784-float image records, and a no-op model ({@link ConstantModelFactory}) for each record kind.
 */
final class BenchModels {

    /** Model name of the no-op model (one per data type). */
    static final String NOOP = "noop";

    /**
     * The two record kinds: the machine-feature records the sample models take (named features, as the job's feature
     * node makes them), or a packed vector of 784 floats (~3.2 KB).
     */
    enum Kind {
        SENSOR(MachineFeatureRecords.DATA_TYPE),
        IMAGE(CnnModels.DATA_TYPE);

        private final String dataType;

        Kind(String dataType) {
            this.dataType = dataType;
        }

        String dataType() {
            return dataType;
        }

        static Kind of(ModelDescriptor descriptor) {
            return descriptor.getDataType().equals(IMAGE.dataType) ? IMAGE : SENSOR;
        }

        /** The kind's name in tables and topic names. */
        String label() {
            return this == SENSOR ? "features" : "image";
        }
    }

    private BenchModels() {}

    /** Every sample model at version 1, then the two CNN exports (building them trains the samples: seconds). */
    static List<ModelDescriptor> samples() {
        List<ModelDescriptor> models = new ArrayList<>();
        for (SampleModel sample : SampleModels.build()) {
            if (sample.descriptor().getVersion() == 1) {
                models.add(sample.descriptor());
            }
        }
        models.add(CnnModels.tensorflow().descriptor());
        models.add(CnnModels.onnx().descriptor());
        models.add(WideMlpModels.onnx().descriptor());
        return models;
    }

    /** The no-op model for records of {@code dataType}: always scores 0. */
    static ModelDescriptor noop(String dataType) {
        return ModelDescriptor.newBuilder()
                .setName(NOOP)
                .setVersion(1)
                .setDataType(dataType)
                .setModelType(ModelType.CUSTOM)
                .setCustomType(ConstantModelFactory.TYPE)
                .setDescription("benchmark no-op model: scores 0 without reading the record")
                .setArtifactBytes(ByteString.copyFrom("0", StandardCharsets.UTF_8))
                .build();
    }

    /** {@code count} records of {@code kind}, with unique ids. */
    static List<DataRecord> records(Kind kind, int count) {
        if (kind == Kind.IMAGE) {
            return CnnModels.images(SampleModels.SEED, count);
        }
        List<DataRecord> examples = SampleModels.trainingData().dataset().examples().stream()
                .map(SensorExample::record)
                .toList();
        List<DataRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(examples.get(i % examples.size()).toBuilder()
                    .setId("f-" + i)
                    .build());
        }
        return records;
    }

    /** A short label of a model for tables: its type and name. */
    static String describe(ModelDescriptor model) {
        String type = model.getModelType() == ModelType.CUSTOM
                ? "no-op"
                : model.getModelType().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return type + " `" + model.getName() + "`";
    }

    /** Writes each descriptor to {@code dir/<name>.descriptor.pb}. */
    static void write(List<ModelDescriptor> models, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (ModelDescriptor model : models) {
            Files.write(dir.resolve(model.getName() + ".descriptor.pb"), model.toByteArray());
        }
    }

    /** Reads {@code dir/<name>.descriptor.pb}. */
    static ModelDescriptor read(Path dir, String name) throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".descriptor.pb"))) {
            return ModelDescriptor.parseFrom(in);
        }
    }
}
