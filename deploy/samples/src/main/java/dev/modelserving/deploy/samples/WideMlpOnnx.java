package dev.modelserving.deploy.samples;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.UnsafeByteOperations;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.Provenance;
import dev.modelserving.proto.ValidationSample;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a {@link WideMlp} as an ONNX model with the ONNX protobuf classes: input {@value #INPUT} float
 * [batch, inputs], output {@value #OUTPUT} float [batch, classes]; nodes Gemm + Relu per hidden layer, then Gemm +
 * Softmax (opset {@value OnnxDocuments#OPSET}). Weights are stored as little-endian {@code raw_data} inside the model
 * (never as external data, which the job refuses), so the file is the size of the weights plus a few hundred bytes.
 * Also the descriptor of such a model without its artifact (the caller sets the bytes or a pinned reference), and
 * records of its data type.
 */
public final class WideMlpOnnx {

    /** Input tensor name. */
    public static final String INPUT = "features";
    /** Output tensor name. */
    public static final String OUTPUT = "probabilities";
    /** Seed of the validation records. */
    public static final long VALIDATION_SEED = 4343;

    private WideMlpOnnx() {}

    /** Writes the serialized ModelProto of {@code mlp} to {@code out} (not closed). */
    public static void write(WideMlp mlp, String docString, OutputStream out) throws IOException {
        model(mlp, docString).writeTo(out);
    }

    /** The serialized ModelProto of {@code mlp}. */
    public static byte[] bytes(WideMlp mlp, String docString) {
        return model(mlp, docString).toByteArray();
    }

    private static ModelProto model(WideMlp mlp, String docString) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("wide_mlp").setDocString(docString);
        String h = INPUT;
        int last = mlp.layers() - 1;
        for (int l = 0; l <= last; l++) {
            graph.addInitializer(floats("w" + l, mlp.weights(l), mlp.fanIn(l), mlp.fanOut(l)))
                    .addInitializer(floats("b" + l, mlp.biases(l), mlp.fanOut(l)));
            String z = l == last ? "logits" : "z" + l;
            graph.addNode(NodeProto.newBuilder()
                    .setName("dense" + l)
                    .setOpType("Gemm")
                    .addInput(h)
                    .addInput("w" + l)
                    .addInput("b" + l)
                    .addOutput(z));
            if (l < last) {
                h = "h" + l;
                graph.addNode(NodeProto.newBuilder()
                        .setName("relu" + l)
                        .setOpType("Relu")
                        .addInput(z)
                        .addOutput(h));
            }
        }
        graph.addNode(NodeProto.newBuilder()
                        .setName("softmax")
                        .setOpType("Softmax")
                        .addInput("logits")
                        .addOutput(OUTPUT)
                        .addAttribute(AttributeProto.newBuilder()
                                .setName("axis")
                                .setType(AttributeProto.AttributeType.INT)
                                .setI(1)))
                .addInput(floatMatrix(INPUT, mlp.inputs()))
                .addOutput(floatMatrix(OUTPUT, mlp.classes()));
        return ModelProto.newBuilder()
                .setIrVersion(OnnxDocuments.IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OnnxDocuments.OPSET))
                .setProducerName(PmmlDocuments.APPLICATION)
                .setProducerVersion(SampleModels.CODE_VERSION)
                .setModelVersion(1)
                .setDocString(docString)
                .setGraph(graph)
                .build();
    }

    /**
     * The descriptor of {@code mlp} as ONNX, without its artifact: input and output contract, validation samples
     * ({@value SampleModels#VALIDATION_SAMPLES} records with the plain-Java forward pass's probabilities and label),
     * provenance. The caller sets {@code artifact_bytes} or a pinned {@code artifact_location}.
     */
    public static ModelDescriptor.Builder descriptor(
            WideMlp mlp, String name, long version, String dataType, String description) {
        ModelDescriptor.Builder descriptor = ModelDescriptor.newBuilder()
                .setName(name)
                .setVersion(version)
                .setDataType(dataType)
                .setModelType(ModelType.ONNX)
                .setDescription(description)
                .setValidationTolerance(SampleModels.VALIDATION_TOLERANCE)
                .setInput(InputSpec.newBuilder().setTensorName(INPUT).addShape(mlp.inputs()))
                .setOutput(OutputSpec.newBuilder()
                        .setKind(OutputKind.CLASSIFICATION)
                        .addTensorNames(OUTPUT))
                .setProvenance(Provenance.newBuilder()
                        .setTrainingDataId("untrained: seeded weights")
                        .setCodeVersion(SampleModels.CODE_VERSION)
                        .setCreatedAtEpochMillis(SampleModels.CREATED_AT.toEpochMilli()));
        for (DataRecord record : records(VALIDATION_SEED, SampleModels.VALIDATION_SAMPLES, mlp.inputs(), dataType)) {
            double[] probabilities = mlp.predict(features(record));
            ValidationSample.Builder sample = ValidationSample.newBuilder()
                    .setInput(record)
                    .setExpectedLabel(Integer.toString(CnnWeights.argmax(probabilities)));
            for (double p : probabilities) {
                sample.addExpectedOutputs(p);
            }
            descriptor.addValidationSamples(sample);
        }
        return descriptor;
    }

    /**
     * {@code count} records of {@code dataType} (ids {@code wide-<i>}, keys {@code key-<i % 10>}) whose vector holds
     * {@code inputs} features in [-1, 1), from {@code seed}.
     */
    public static List<DataRecord> records(long seed, int count, int inputs, String dataType) {
        SplittableRandom random = new SplittableRandom(seed);
        List<DataRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            DataRecord.Builder record = DataRecord.newBuilder()
                    .setDataType(dataType)
                    .setKey("key-" + (i % 10))
                    .setId("wide-" + i);
            for (int f = 0; f < inputs; f++) {
                record.addVector((float) random.nextDouble(-1, 1));
            }
            records.add(record.build());
        }
        return records;
    }

    /** The features of a record made by {@link #records}. */
    public static float[] features(DataRecord record) {
        float[] x = new float[record.getVectorCount()];
        for (int i = 0; i < x.length; i++) {
            x[i] = record.getVector(i);
        }
        return x;
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                // the buffer is never written again: wrapping it saves a copy of a layer of a big model
                .setRawData(UnsafeByteOperations.unsafeWrap(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static ValueInfoProto floatMatrix(String name, long columns) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns))
                .build();
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT.getNumber())
                                .setShape(shape)))
                .build();
    }
}
