package dev.modelserving.model.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.ValidationSample;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Small ONNX models written with the ONNX protobuf classes, with known weights, and the same models computed in plain
 * Java: test fixtures for the ONNX factory and for modules that serve ONNX models (shared through the test-jar).
 *
 * <p>Every graph has a symbolic batch dimension {@code "N"}, opset 13 ({@code ai.onnx.ml} 2 where used) and IR
 * version 8. The models:
 * <ul>
 *   <li>{@link #classifier()}: {@code features[N,3]} → Gemm → Relu → Gemm → Softmax → {@code probabilities[N,3]};
 *   <li>{@link #classifierWithClassIds()}: the classifier plus {@code class_id[N]} (INT64), the class id
 *       {@link #CLASS_IDS}[argmax];
 *   <li>{@link #zipMapClassifier()}: shaped like a scikit-learn export: {@code output_label[N]} (STRING,
 *       {@link #CLASS_LABELS}[argmax]) then {@code output_probability}, a sequence of maps label → probability;
 *       {@link #zipMapClassifierWithClassIds()}, the same with INT64 classes {@link #CLASS_IDS};
 *   <li>{@link #regressor()}: {@code features[N,3]} → MatMul → Add → {@code score[N,1]}, and
 *       {@link #doubleRegressor()}, the same in DOUBLE;
 *   <li>{@link #packedRegressor()}: {@code image[N,2,2]} → Flatten → MatMul → Add → {@code score[N,1]};
 *   <li>{@link #twoInputs()} and {@link #int64Input()}: inputs the factory must refuse to guess or to feed.
 * </ul>
 */
public final class OnnxTestModels {

    /** The named features of the classifier and the regressor, in input order. */
    public static final List<String> FEATURES = List.of("x1", "x2", "x3");
    /** The classifier's class labels, in probability order. */
    public static final List<String> CLASS_LABELS = List.of("low", "medium", "high");
    /** The classifier's class ids, in probability order (numeric order, not alphabetical). */
    public static final long[] CLASS_IDS = {7, 20, 100};
    /** Inputs for the named-feature models; their argmax classes cover all three classes. */
    public static final double[][] SAMPLE_ROWS = {
        {0.5, -1.0, 2.0}, {1.5, 0.3, -0.7}, {-2.0, 1.0, 0.4}, {0.0, 0.0, 0.0}, {3.0, -2.5, 1.2}, {-1.0, 2.5, -1.5},
    };

    static final double[][] HIDDEN_WEIGHTS = {
        {0.5, -0.3, 0.8, 0.1},
        {-0.2, 0.7, 0.4, -0.6},
        {0.9, 0.2, -0.5, 0.3},
    };
    static final double[] HIDDEN_BIAS = {0.1, -0.1, 0.05, 0.2};
    static final double[][] OUTPUT_WEIGHTS = {
        {1.2, -0.7, 0.3},
        {-0.4, 0.9, 0.5},
        {0.6, 0.2, -1.1},
        {-0.8, 0.4, 0.7},
    };
    static final double[] OUTPUT_BIAS = {0.05, -0.02, 0.1};
    static final double[] REGRESSION_WEIGHTS = {1.5, -2.0, 0.75};
    static final double REGRESSION_BIAS = 0.3;
    static final double[] PACKED_WEIGHTS = {0.25, -0.5, 1.0, 2.0};
    static final double PACKED_BIAS = -1.0;

    private static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
    private static final int DOUBLE = TensorProto.DataType.DOUBLE.getNumber();
    private static final int INT64 = TensorProto.DataType.INT64.getNumber();
    private static final int STRING = TensorProto.DataType.STRING.getNumber();
    private static final long IR_VERSION = 8;
    private static final long OPSET = 13;
    private static final long ML_OPSET = 2;

    private OnnxTestModels() {}

    // ---------------------------------------------------------------- models

    /** The MLP classifier: {@code features[N,3]} → {@code probabilities[N,3]}. */
    public static byte[] classifier() {
        GraphProto.Builder graph = classifierGraph("classifier");
        graph.addOutput(tensorValue("probabilities", FLOAT, "N", 3L));
        return model(graph, false);
    }

    /** The classifier with a second output {@code class_id[N]} (INT64): {@link #CLASS_IDS}[argmax]. */
    public static byte[] classifierWithClassIds() {
        GraphProto.Builder graph = classifierGraph("classifier_with_class_ids");
        graph.addInitializer(int64Tensor("class_ids", new long[] {3}, CLASS_IDS));
        graph.addNode(node(
                "ArgMax",
                List.of("probabilities"),
                List.of("class_index"),
                intAttribute("axis", 1),
                intAttribute("keepdims", 0)));
        graph.addNode(
                node("Gather", List.of("class_ids", "class_index"), List.of("class_id"), intAttribute("axis", 0)));
        graph.addOutput(tensorValue("probabilities", FLOAT, "N", 3L));
        graph.addOutput(tensorValue("class_id", INT64, "N"));
        return model(graph, false);
    }

    /**
     * The classifier exported the way scikit-learn's converter does it: first {@code output_label[N]} (STRING,
     * {@link #CLASS_LABELS}[argmax]), then {@code output_probability}, a ZipMap sequence of maps from
     * {@link #CLASS_LABELS} to probabilities.
     */
    public static byte[] zipMapClassifier() {
        return zipMapClassifier(false);
    }

    /**
     * Like {@link #zipMapClassifier()} with integer classes: {@code output_label[N]} (INT64,
     * {@link #CLASS_IDS}[argmax]) and maps from {@link #CLASS_IDS} to probabilities.
     */
    public static byte[] zipMapClassifierWithClassIds() {
        return zipMapClassifier(true);
    }

    private static byte[] zipMapClassifier(boolean classIds) {
        GraphProto.Builder graph = classifierGraph(classIds ? "zipmap_classifier_ids" : "zipmap_classifier");
        AttributeProto.Builder classes = AttributeProto.newBuilder();
        if (classIds) {
            graph.addInitializer(int64Tensor("classes", new long[] {3}, CLASS_IDS));
            classes.setName("classlabels_int64s").setType(AttributeProto.AttributeType.INTS);
            Arrays.stream(CLASS_IDS).forEach(classes::addInts);
        } else {
            TensorProto.Builder labels =
                    TensorProto.newBuilder().setName("classes").addDims(3).setDataType(STRING);
            CLASS_LABELS.forEach(l -> labels.addStringData(ByteString.copyFromUtf8(l)));
            graph.addInitializer(labels);
            classes.setName("classlabels_strings").setType(AttributeProto.AttributeType.STRINGS);
            CLASS_LABELS.forEach(l -> classes.addStrings(ByteString.copyFrom(l, StandardCharsets.UTF_8)));
        }
        int keyType = classIds ? INT64 : STRING;
        graph.addNode(node(
                "ArgMax",
                List.of("probabilities"),
                List.of("class_index"),
                intAttribute("axis", 1),
                intAttribute("keepdims", 0)));
        graph.addNode(
                node("Gather", List.of("classes", "class_index"), List.of("output_label"), intAttribute("axis", 0)));
        graph.addNode(
                node("ZipMap", List.of("probabilities"), List.of("output_probability"), classes.build()).toBuilder()
                        .setDomain("ai.onnx.ml")
                        .build());
        graph.addOutput(tensorValue("output_label", keyType, "N"));
        TypeProto floatScalar = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(FLOAT))
                .build();
        TypeProto mapType = TypeProto.newBuilder()
                .setMapType(TypeProto.Map.newBuilder().setKeyType(keyType).setValueType(floatScalar))
                .build();
        graph.addOutput(ValueInfoProto.newBuilder()
                .setName("output_probability")
                .setType(TypeProto.newBuilder()
                        .setSequenceType(TypeProto.Sequence.newBuilder().setElemType(mapType))));
        return model(graph, true);
    }

    /** The linear regressor: {@code features[N,3]} → MatMul → Add → {@code score[N,1]}. */
    public static byte[] regressor() {
        return linearRegressor(FLOAT);
    }

    /** The linear regressor computed in DOUBLE: {@code features[N,3]} (DOUBLE) → {@code score[N,1]} (DOUBLE). */
    public static byte[] doubleRegressor() {
        return linearRegressor(DOUBLE);
    }

    /** A regressor on a packed 2×2 input: {@code image[N,2,2]} → Flatten → MatMul → Add → {@code score[N,1]}. */
    public static byte[] packedRegressor() {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("packed_regressor");
        graph.addInput(tensorValue("image", FLOAT, "N", 2L, 2L));
        graph.addInitializer(floatTensor("w", new long[] {4, 1}, PACKED_WEIGHTS));
        graph.addInitializer(floatTensor("b", new long[] {1}, PACKED_BIAS));
        graph.addNode(node("Flatten", List.of("image"), List.of("flat"), intAttribute("axis", 1)));
        graph.addNode(node("MatMul", List.of("flat", "w"), List.of("product")));
        graph.addNode(node("Add", List.of("product", "b"), List.of("score")));
        graph.addOutput(tensorValue("score", FLOAT, "N", 1L));
        return model(graph, false);
    }

    /** Two inputs {@code a[N,3]} and {@code b[N,3]} → {@code sum[N,3]}. */
    public static byte[] twoInputs() {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("two_inputs");
        graph.addInput(tensorValue("a", FLOAT, "N", 3L));
        graph.addInput(tensorValue("b", FLOAT, "N", 3L));
        graph.addNode(node("Add", List.of("a", "b"), List.of("sum")));
        graph.addOutput(tensorValue("sum", FLOAT, "N", 3L));
        return model(graph, false);
    }

    /**
     * A model whose input has only symbolic dimensions, so records decide its whole shape: {@code values[A,B]} →
     * ReduceSum (all axes, keepdims) → {@code total[1,1]}.
     */
    public static byte[] dynamicSum() {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("dynamic_sum");
        graph.addInput(tensorValue("values", FLOAT, "A", "B"));
        graph.addNode(node("ReduceSum", List.of("values"), List.of("total"), intAttribute("keepdims", 1)));
        graph.addOutput(tensorValue("total", FLOAT, 1L, 1L));
        return model(graph, false);
    }

    // ---------------------------------------------------------------- models the factory must refuse

    /** A tensor whose data ONNX Runtime would read from the file {@code location} (external data). */
    public static TensorProto externalTensor(String name, long[] dims, String location) {
        TensorProto.Builder tensor = TensorProto.newBuilder()
                .setName(name)
                .setDataType(FLOAT)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(
                        StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(
                        StringStringEntryProto.newBuilder().setKey("offset").setValue("0"));
        Arrays.stream(dims).forEach(tensor::addDims);
        return tensor.build();
    }

    /** The regressor with its weight initializer {@code w} stored as external data at {@code location}. */
    public static byte[] regressorWithExternalWeights(String location) {
        GraphProto.Builder graph = regressorInput("external_weights", FLOAT);
        graph.addInitializer(externalTensor("w", new long[] {3, 1}, location));
        graph.addInitializer(floatTensor("b", new long[] {1}, REGRESSION_BIAS));
        return regressorScore(graph, FLOAT);
    }

    /** The regressor with its bias from a Constant node whose value is external data at {@code location}. */
    public static byte[] regressorWithExternalConstant(String location) {
        GraphProto.Builder graph = regressorInput("external_constant", FLOAT);
        graph.addInitializer(floatTensor("w", new long[] {3, 1}, REGRESSION_WEIGHTS));
        graph.addNode(node(
                "Constant",
                List.of(),
                List.of("b"),
                AttributeProto.newBuilder()
                        .setName("value")
                        .setType(AttributeProto.AttributeType.TENSOR)
                        .setT(externalTensor("b", new long[] {1}, location))
                        .build()));
        return regressorScore(graph, FLOAT);
    }

    /**
     * {@code score = If(sum(features) > 0, then: features·w, else: features·w)} where the then-branch subgraph's
     * weight initializer is external data at {@code location}.
     */
    public static byte[] ifWithExternalTensorInSubgraph(String location) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("external_in_subgraph");
        graph.addInput(tensorValue("features", FLOAT, "N", 3L));
        graph.addInitializer(floatTensor("w", new long[] {3, 1}, REGRESSION_WEIGHTS));
        graph.addInitializer(floatTensor("zero", new long[] {}, 0.0));
        graph.addNode(node("ReduceSum", List.of("features"), List.of("total"), intAttribute("keepdims", 0)));
        graph.addNode(node("Greater", List.of("total", "zero"), List.of("positive")));
        GraphProto.Builder thenBranch = GraphProto.newBuilder()
                .setName("then")
                .addInitializer(externalTensor("w_then", new long[] {3, 1}, location))
                .addNode(node("MatMul", List.of("features", "w_then"), List.of("then_score")))
                .addOutput(tensorValue("then_score", FLOAT, "N", 1L));
        GraphProto.Builder elseBranch = GraphProto.newBuilder()
                .setName("else")
                .addNode(node("MatMul", List.of("features", "w"), List.of("else_score")))
                .addOutput(tensorValue("else_score", FLOAT, "N", 1L));
        graph.addNode(node(
                "If",
                List.of("positive"),
                List.of("score"),
                AttributeProto.newBuilder()
                        .setName("then_branch")
                        .setType(AttributeProto.AttributeType.GRAPH)
                        .setG(thenBranch)
                        .build(),
                AttributeProto.newBuilder()
                        .setName("else_branch")
                        .setType(AttributeProto.AttributeType.GRAPH)
                        .setG(elseBranch)
                        .build()));
        graph.addOutput(tensorValue("score", FLOAT, "N", 1L));
        return model(graph, false);
    }

    /** The regressor followed by an op of {@code domain}, which only a custom-op library could implement. */
    public static byte[] regressorWithCustomOp(String domain) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("custom_op");
        graph.addInput(tensorValue("features", FLOAT, "N", 3L));
        graph.addInitializer(floatTensor("w", new long[] {3, 1}, REGRESSION_WEIGHTS));
        graph.addNode(node("MatMul", List.of("features", "w"), List.of("product")));
        graph.addNode(node("Exfiltrate", List.of("product"), List.of("score")).toBuilder()
                .setDomain(domain)
                .build());
        graph.addOutput(tensorValue("score", FLOAT, "N", 1L));
        ModelProto parsed;
        try {
            parsed = ModelProto.parseFrom(model(graph, false));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        return parsed.toBuilder()
                .addOpsetImport(
                        OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(1))
                .build()
                .toByteArray();
    }

    /** An INT64 input {@code ids[N,3]} cast to FLOAT {@code values[N,3]}. */
    public static byte[] int64Input() {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("int64_input");
        graph.addInput(tensorValue("ids", INT64, "N", 3L));
        graph.addNode(node("Cast", List.of("ids"), List.of("values"), intAttribute("to", FLOAT)));
        graph.addOutput(tensorValue("values", FLOAT, "N", 3L));
        return model(graph, false);
    }

    // ---------------------------------------------------------------- the same models in plain Java

    /** The classifier's class probabilities for one input, computed in double precision. */
    public static double[] classifierProbabilities(double[] x) {
        double[] hidden = new double[HIDDEN_BIAS.length];
        for (int j = 0; j < hidden.length; j++) {
            double sum = HIDDEN_BIAS[j];
            for (int i = 0; i < x.length; i++) {
                sum += x[i] * HIDDEN_WEIGHTS[i][j];
            }
            hidden[j] = Math.max(0.0, sum);
        }
        double[] logits = new double[OUTPUT_BIAS.length];
        for (int k = 0; k < logits.length; k++) {
            double sum = OUTPUT_BIAS[k];
            for (int j = 0; j < hidden.length; j++) {
                sum += hidden[j] * OUTPUT_WEIGHTS[j][k];
            }
            logits[k] = sum;
        }
        double max = Arrays.stream(logits).max().orElseThrow();
        double total = 0;
        double[] probabilities = new double[logits.length];
        for (int k = 0; k < logits.length; k++) {
            probabilities[k] = Math.exp(logits[k] - max);
            total += probabilities[k];
        }
        for (int k = 0; k < probabilities.length; k++) {
            probabilities[k] /= total;
        }
        return probabilities;
    }

    /** Index of the most probable class of the classifier for one input. */
    public static int classifierArgmax(double[] x) {
        double[] p = classifierProbabilities(x);
        int best = 0;
        for (int k = 1; k < p.length; k++) {
            if (p[k] > p[best]) {
                best = k;
            }
        }
        return best;
    }

    /** The regressor's score for one input. */
    public static double regressorScore(double[] x) {
        double sum = REGRESSION_BIAS;
        for (int i = 0; i < x.length; i++) {
            sum += x[i] * REGRESSION_WEIGHTS[i];
        }
        return sum;
    }

    /** The packed regressor's score for one 2×2 input, row-major. */
    public static double packedScore(double[] x) {
        double sum = PACKED_BIAS;
        for (int i = 0; i < x.length; i++) {
            sum += x[i] * PACKED_WEIGHTS[i];
        }
        return sum;
    }

    // ---------------------------------------------------------------- records and descriptors

    /** A record with features {@link #FEATURES} = x. */
    public static DataRecord record(double... x) {
        DataRecord.Builder record = DataRecord.newBuilder();
        for (int i = 0; i < x.length; i++) {
            record.putFeatures(FEATURES.get(i), x[i]);
        }
        return record.build();
    }

    /**
     * A descriptor of {@link #classifier()} with labels {@link #CLASS_LABELS} and one validation sample per
     * {@link #SAMPLE_ROWS} row (expected probabilities and label from the plain-Java forward pass).
     */
    public static ModelDescriptor classifierDescriptor(String name, long version, String dataType) {
        ModelDescriptor.Builder descriptor = descriptor(name, version, dataType, classifier())
                .setOutput(OutputSpec.newBuilder()
                        .addTensorNames("probabilities")
                        .setKind(OutputKind.CLASSIFICATION)
                        .addAllLabels(CLASS_LABELS));
        for (double[] row : SAMPLE_ROWS) {
            ValidationSample.Builder sample = ValidationSample.newBuilder()
                    .setInput(record(row))
                    .setExpectedLabel(CLASS_LABELS.get(classifierArgmax(row)));
            Arrays.stream(classifierProbabilities(row)).forEach(sample::addExpectedOutputs);
            descriptor.addValidationSamples(sample);
        }
        return descriptor.build();
    }

    /** A descriptor of {@link #regressor()} with one validation sample per {@link #SAMPLE_ROWS} row. */
    public static ModelDescriptor regressorDescriptor(String name, long version, String dataType) {
        ModelDescriptor.Builder descriptor = descriptor(name, version, dataType, regressor())
                .setOutput(OutputSpec.newBuilder().setKind(OutputKind.REGRESSION));
        for (double[] row : SAMPLE_ROWS) {
            descriptor.addValidationSamples(
                    ValidationSample.newBuilder().setInput(record(row)).addExpectedOutputs(regressorScore(row)));
        }
        return descriptor.build();
    }

    private static ModelDescriptor.Builder descriptor(String name, long version, String dataType, byte[] model) {
        return ModelDescriptor.newBuilder()
                .setName(name)
                .setVersion(version)
                .setDataType(dataType)
                .setModelType(ModelType.ONNX)
                .setArtifactBytes(ByteString.copyFrom(model))
                .setInput(InputSpec.newBuilder().addAllFeatureNames(FEATURES));
    }

    // ---------------------------------------------------------------- graph building

    private static GraphProto.Builder classifierGraph(String name) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName(name);
        graph.addInput(tensorValue("features", FLOAT, "N", 3L));
        graph.addInitializer(floatTensor("w1", new long[] {3, 4}, flatten(HIDDEN_WEIGHTS)));
        graph.addInitializer(floatTensor("b1", new long[] {4}, HIDDEN_BIAS));
        graph.addInitializer(floatTensor("w2", new long[] {4, 3}, flatten(OUTPUT_WEIGHTS)));
        graph.addInitializer(floatTensor("b2", new long[] {3}, OUTPUT_BIAS));
        graph.addNode(node("Gemm", List.of("features", "w1", "b1"), List.of("hidden_linear")));
        graph.addNode(node("Relu", List.of("hidden_linear"), List.of("hidden")));
        graph.addNode(node("Gemm", List.of("hidden", "w2", "b2"), List.of("logits")));
        graph.addNode(node("Softmax", List.of("logits"), List.of("probabilities"), intAttribute("axis", 1)));
        return graph;
    }

    private static byte[] linearRegressor(int type) {
        GraphProto.Builder graph = regressorInput(type == DOUBLE ? "double_regressor" : "regressor", type);
        graph.addInitializer(tensor("w", type, new long[] {3, 1}, REGRESSION_WEIGHTS));
        graph.addInitializer(tensor("b", type, new long[] {1}, REGRESSION_BIAS));
        return regressorScore(graph, type);
    }

    /** The start of a regressor graph: its input {@code features[N,3]} of {@code type}. */
    private static GraphProto.Builder regressorInput(String name, int type) {
        return GraphProto.newBuilder().setName(name).addInput(tensorValue("features", type, "N", 3L));
    }

    /** A regressor graph's end, after its {@code w} and {@code b}: {@code score[N,1] = features · w + b}. */
    private static byte[] regressorScore(GraphProto.Builder graph, int type) {
        graph.addNode(node("MatMul", List.of("features", "w"), List.of("product")));
        graph.addNode(node("Add", List.of("product", "b"), List.of("score")));
        graph.addOutput(tensorValue("score", type, "N", 1L));
        return model(graph, false);
    }

    private static byte[] model(GraphProto.Builder graph, boolean usesMlOperators) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("modelserving-tests")
                .setProducerVersion("1")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        if (usesMlOperators) {
            model.addOpsetImport(
                    OperatorSetIdProto.newBuilder().setDomain("ai.onnx.ml").setVersion(ML_OPSET));
        }
        return model.build().toByteArray();
    }

    private static NodeProto node(String op, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        return NodeProto.newBuilder()
                .setOpType(op)
                .setName(op + "_" + outputs.get(0))
                .addAllInput(inputs)
                .addAllOutput(outputs)
                .addAllAttribute(List.of(attributes))
                .build();
    }

    private static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }

    /** A tensor value; a String dimension is symbolic, a Long one fixed. */
    private static ValueInfoProto tensorValue(String name, int type, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object dim : dims) {
            shape.addDim(
                    dim instanceof String symbol
                            ? TensorShapeProto.Dimension.newBuilder().setDimParam(symbol)
                            : TensorShapeProto.Dimension.newBuilder().setDimValue((Long) dim));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(
                                TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
                .build();
    }

    private static TensorProto floatTensor(String name, long[] dims, double... values) {
        return tensor(name, FLOAT, dims, values);
    }

    private static TensorProto tensor(String name, int type, long[] dims, double... values) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(type);
        Arrays.stream(dims).forEach(tensor::addDims);
        for (double v : values) {
            if (type == DOUBLE) {
                tensor.addDoubleData(v);
            } else {
                tensor.addFloatData((float) v);
            }
        }
        return tensor.build();
    }

    private static TensorProto int64Tensor(String name, long[] dims, long[] values) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(INT64);
        Arrays.stream(dims).forEach(tensor::addDims);
        Arrays.stream(values).forEach(tensor::addInt64Data);
        return tensor.build();
    }

    private static double[] flatten(double[][] matrix) {
        List<Double> values = new ArrayList<>();
        for (double[] row : matrix) {
            for (double v : row) {
                values.add(v);
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
