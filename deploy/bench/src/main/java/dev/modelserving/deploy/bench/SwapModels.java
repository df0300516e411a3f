package dev.modelserving.deploy.bench;

import com.google.protobuf.ByteString;
import dev.modelserving.deploy.samples.CnnGraph;
import dev.modelserving.deploy.samples.CnnModels;
import dev.modelserving.deploy.samples.CnnOnnx;
import dev.modelserving.deploy.samples.CnnWeights;
import dev.modelserving.model.Checksums;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.ValidationSample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The models and records the swap-latency benchmark ({@link SwapLatencyBench}) swaps and serves that the samples do
 * not provide as they are: the heavy CNN at any version (other seeded weights per version, so no two versions share
 * an artifact and a swap really loads a new model), a no-op model for any data type, and a user's descriptor and
 * records read from files.
 */
final class SwapModels {

    private SwapModels() {}

    /**
     * The CNN export of {@code sample} (a {@link CnnModels} descriptor, TensorFlow graph or ONNX) at {@code version}:
     * weights seeded with {@link CnnModels#WEIGHT_SEED} + version - 1 (version 1 is the sample itself), validation
     * samples recomputed with the plain-Java forward pass.
     */
    static ModelDescriptor cnn(ModelDescriptor sample, int version) {
        if (version == 1) {
            return sample;
        }
        CnnWeights weights = CnnWeights.seeded(CnnModels.WEIGHT_SEED + version - 1);
        byte[] artifact = sample.getModelType() == ModelType.ONNX
                ? CnnOnnx.model(weights, sample.getDescription() + " Version " + version + ".")
                : CnnGraph.graphDef(weights);
        ModelDescriptor.Builder descriptor = sample.toBuilder()
                .setVersion(version)
                .setArtifactBytes(ByteString.copyFrom(artifact))
                .setArtifactSha256(Checksums.sha256Hex(artifact))
                .clearValidationSamples();
        for (ValidationSample old : sample.getValidationSamplesList()) {
            DataRecord image = old.getInput();
            float[] pixels = new float[image.getVectorCount()];
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = image.getVector(i);
            }
            double[] probabilities = weights.predict(pixels);
            ValidationSample.Builder fresh = ValidationSample.newBuilder()
                    .setInput(image)
                    .setExpectedLabel(Integer.toString(CnnWeights.argmax(probabilities)));
            for (double p : probabilities) {
                fresh.addExpectedOutputs(p);
            }
            descriptor.addValidationSamples(fresh);
        }
        return descriptor.build();
    }

    /** A no-op model ({@link ConstantModelFactory}) named {@code noop}, version 1, for {@code dataType}. */
    static ModelDescriptor noop(String dataType) {
        return ModelDescriptor.newBuilder()
                .setName(BenchModels.NOOP)
                .setVersion(1)
                .setDataType(dataType)
                .setModelType(ModelType.CUSTOM)
                .setCustomType(ConstantModelFactory.TYPE)
                .setDescription("benchmark no-op model: scores 0 without reading the record")
                .setArtifactBytes(ByteString.copyFrom("0", StandardCharsets.UTF_8))
                .build();
    }

    /** A binary {@code ModelDescriptor} file (as {@code modelctl} and the samples write them). */
    static ModelDescriptor readDescriptor(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return ModelDescriptor.parseFrom(in);
        }
    }

    /**
     * The records of a file of length-delimited {@code DataRecord}s ({@code writeDelimitedTo}, one after the other).
     *
     * @throws IllegalArgumentException when the file holds none
     */
    static List<DataRecord> readRecords(Path file) throws IOException {
        List<DataRecord> records = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            DataRecord record;
            while ((record = DataRecord.parseDelimitedFrom(in)) != null) {
                records.add(record);
            }
        }
        if (records.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no length-delimited DataRecord");
        }
        return records;
    }
}
