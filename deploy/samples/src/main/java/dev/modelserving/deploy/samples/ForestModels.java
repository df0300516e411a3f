package dev.modelserving.deploy.samples;

import com.google.protobuf.ByteString;
import dev.modelserving.model.Checksums;
import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.Provenance;
import dev.modelserving.proto.ValidationSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.dmg.pmml.Application;
import org.dmg.pmml.DataDictionary;
import org.dmg.pmml.DataField;
import org.dmg.pmml.DataType;
import org.dmg.pmml.Header;
import org.dmg.pmml.MiningField;
import org.dmg.pmml.MiningFunction;
import org.dmg.pmml.MiningSchema;
import org.dmg.pmml.OpType;
import org.dmg.pmml.PMML;
import org.dmg.pmml.Predicate;
import org.dmg.pmml.SimplePredicate;
import org.dmg.pmml.True;
import org.dmg.pmml.Version;
import org.dmg.pmml.mining.MiningModel;
import org.dmg.pmml.mining.Segment;
import org.dmg.pmml.mining.Segmentation;
import org.dmg.pmml.tree.ComplexNode;
import org.dmg.pmml.tree.LeafNode;
import org.dmg.pmml.tree.Node;
import org.dmg.pmml.tree.TreeModel;

/**
 * A random-forest PMML regression of about 324 KB (a {@code MiningModel} averaging {@value #TREES} full binary
 * {@code TreeModel}s of depth {@value #DEPTH}), the size of forest whose first records were seen ~0.4 s late after a
 * swap on a cluster: the model the warm-swap measurement ({@code SwapLatencyBench}) swaps in.
 *
 * <p>It predicts a machine's next temperature (°C) from the machine-features record the other sample models take
 * ({@link MachineFeatureRecords#MODEL_FEATURE_NAMES}), so it serves the same records. The trees are extremely
 * randomised trees grown from a seed on bootstrap samples of the v1 training data ({@link SampleModels#trainingData()}):
 * each split takes a random feature and a random threshold between that feature's minimum and maximum in the node,
 * every tree is grown to the full depth (a node without examples keeps its parent's mean), and a leaf scores the mean
 * next temperature of its examples. The same seed gives the same bytes; another seed gives another forest of the same
 * size. Validation samples: {@value SampleModels#VALIDATION_SAMPLES} held-out records with the prediction of this
 * class's own evaluation of the trees, so a loader that evaluated the document differently would reject it.
 */
public final class ForestModels {

    /** Model name of the forest. */
    public static final String NAME = "temperature-forest";
    /** Trees in the forest. */
    public static final int TREES = 7;
    /** Depth of every tree (2^depth leaves). */
    public static final int DEPTH = 7;
    /** Seed of version 1; version {@code v} is grown from {@code SEED + v - 1}. */
    public static final long SEED = 324;

    private ForestModels() {}

    /** The forest at {@code version} (grown from seed {@code SEED + version - 1}) on the v1 training data. */
    public static SampleModel forest(int version) {
        return forest(SampleModels.trainingData(), version, SEED + version - 1, TREES, DEPTH);
    }

    /**
     * A forest of {@code trees} trees of depth {@code depth} grown from {@code seed} on {@code data}'s training split.
     *
     * @throws IllegalArgumentException when trees or depth is below 1, or version below 1
     */
    public static SampleModel forest(SampleTrainingData data, int version, long seed, int trees, int depth) {
        if (trees < 1 || depth < 1 || version < 1) {
            throw new IllegalArgumentException("a forest needs trees >= 1, depth >= 1, version >= 1; got " + trees
                    + ", " + depth + ", " + version);
        }
        double[][] x = SensorDataset.features(data.split().train());
        double[] y = SensorDataset.nextTemperatures(data.split().train());
        Random random = new Random(seed);
        List<Tree> forest = new ArrayList<>(trees);
        for (int t = 0; t < trees; t++) {
            int[] bootstrap = new int[x.length];
            for (int i = 0; i < bootstrap.length; i++) {
                bootstrap[i] = random.nextInt(x.length);
            }
            forest.add(grow(x, y, bootstrap, mean(y, bootstrap, 0), depth, random));
        }
        String description = "Next temperature (°C) of a machine from its machine-features record: random forest of "
                + trees + " extremely randomised regression trees of depth " + depth + " (seed " + seed
                + "), averaged.";
        byte[] pmml = PmmlDocuments.toBytes(document(forest, description));
        List<SensorExample> heldOut = data.split().heldOut();
        double rmse = 0;
        for (SensorExample e : heldOut) {
            double error = predict(forest, e.features()) - e.nextTemperatureC();
            rmse += error * error;
        }
        rmse = Math.sqrt(rmse / heldOut.size());
        ModelDescriptor.Builder descriptor = ModelDescriptor.newBuilder()
                .setName(NAME)
                .setVersion(version)
                .setDataType(MachineFeatureRecords.DATA_TYPE)
                .setModelType(ModelType.PMML)
                .setDescription(description)
                .setArtifactBytes(ByteString.copyFrom(pmml))
                .setArtifactSha256(Checksums.sha256Hex(pmml))
                .setValidationTolerance(SampleModels.VALIDATION_TOLERANCE)
                .setDriftThreshold(SampleModels.DRIFT_THRESHOLD)
                .setProvenance(Provenance.newBuilder()
                        .setTrainingDataId(data.trainingDataId())
                        .setCodeVersion(SampleModels.CODE_VERSION)
                        .setCreatedAtEpochMillis(SampleModels.CREATED_AT.toEpochMilli())
                        .setQualityMetricName("rmse")
                        .setQualityMetricValue(rmse))
                .setInput(InputSpec.newBuilder().addAllFeatureNames(MachineFeatureRecords.MODEL_FEATURE_NAMES))
                .setOutput(OutputSpec.newBuilder()
                        .setKind(OutputKind.REGRESSION)
                        .setTargetField(SampleModels.NEXT_TEMPERATURE_FIELD));
        int step = Math.max(1, heldOut.size() / SampleModels.VALIDATION_SAMPLES);
        for (int i = 0; i < SampleModels.VALIDATION_SAMPLES && i * step < heldOut.size(); i++) {
            SensorExample e = heldOut.get(i * step);
            descriptor.addValidationSamples(ValidationSample.newBuilder()
                    .setInput(e.record())
                    .addExpectedOutputs(predict(forest, e.features())));
        }
        descriptor.setTrainingStatistics(SampleModels.statistics(data, f -> predict(forest, f), f -> null));
        return new SampleModel(descriptor.build(), ".pmml", persistence(heldOut));
    }

    /** One tree node: a split ({@code left != null}) or a leaf. */
    private record Tree(int feature, double threshold, double score, Tree left, Tree right) {

        boolean leaf() {
            return left == null;
        }
    }

    private static Tree grow(double[][] x, double[] y, int[] rows, double parentMean, int depth, Random random) {
        double score = rows.length == 0 ? parentMean : mean(y, rows, parentMean);
        if (depth == 0) {
            return new Tree(-1, 0, score, null, null);
        }
        int feature = random.nextInt(x[0].length);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int row : rows.length == 0 ? allRows(x.length) : rows) {
            min = Math.min(min, x[row][feature]);
            max = Math.max(max, x[row][feature]);
        }
        double threshold = min + random.nextDouble() * (max - min);
        int lower = 0;
        for (int row : rows) {
            if (x[row][feature] <= threshold) {
                lower++;
            }
        }
        int[] left = new int[lower];
        int[] right = new int[rows.length - lower];
        int l = 0;
        int r = 0;
        for (int row : rows) {
            if (x[row][feature] <= threshold) {
                left[l++] = row;
            } else {
                right[r++] = row;
            }
        }
        return new Tree(
                feature,
                threshold,
                score,
                grow(x, y, left, score, depth - 1, random),
                grow(x, y, right, score, depth - 1, random));
    }

    private static int[] allRows(int n) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
        }
        return rows;
    }

    private static double mean(double[] y, int[] rows, double empty) {
        if (rows.length == 0) {
            return empty;
        }
        double sum = 0;
        for (int row : rows) {
            sum += y[row];
        }
        return sum / rows.length;
    }

    /** The forest's prediction: the mean of its trees' leaf scores, as PMML's {@code average} computes it. */
    private static double predict(List<Tree> forest, double[] features) {
        double sum = 0;
        for (Tree tree : forest) {
            Tree node = tree;
            while (!node.leaf()) {
                node = features[node.feature()] <= node.threshold() ? node.left() : node.right();
            }
            sum += node.score();
        }
        return sum / forest.size();
    }

    private static double persistence(List<SensorExample> heldOut) {
        double sum = 0;
        for (SensorExample e : heldOut) {
            double error = e.reading().getTemperatureC() - e.nextTemperatureC();
            sum += error * error;
        }
        return Math.sqrt(sum / heldOut.size());
    }

    private static PMML document(List<Tree> forest, String description) {
        List<String> features = MachineFeatureRecords.MODEL_FEATURE_NAMES;
        String target = SampleModels.NEXT_TEMPERATURE_FIELD;
        DataDictionary dictionary = new DataDictionary();
        for (String feature : features) {
            dictionary.addDataFields(new DataField(feature, OpType.CONTINUOUS, DataType.DOUBLE));
        }
        dictionary.addDataFields(new DataField(target, OpType.CONTINUOUS, DataType.DOUBLE));
        Segmentation segmentation = new Segmentation(Segmentation.MultipleModelMethod.AVERAGE, new ArrayList<>());
        for (int t = 0; t < forest.size(); t++) {
            TreeModel tree = new TreeModel(
                            MiningFunction.REGRESSION,
                            schema(features, target),
                            node(forest.get(t), True.INSTANCE, features))
                    .setSplitCharacteristic(TreeModel.SplitCharacteristic.BINARY_SPLIT);
            segmentation.addSegments(new Segment(True.INSTANCE, tree).setId(Integer.toString(t + 1)));
        }
        MiningModel mining = new MiningModel(MiningFunction.REGRESSION, schema(features, target))
                .setModelName(NAME)
                .setAlgorithmName("random forest (extremely randomised trees)")
                .setSegmentation(segmentation);
        Header header = new Header()
                .setDescription(description)
                .setApplication(new Application(PmmlDocuments.APPLICATION).setVersion(SampleModels.CODE_VERSION));
        return new PMML(Version.PMML_4_4.getVersion(), header, dictionary).addModels(mining);
    }

    private static MiningSchema schema(List<String> features, String target) {
        MiningSchema schema = new MiningSchema();
        for (String feature : features) {
            schema.addMiningFields(new MiningField(feature).setUsageType(MiningField.UsageType.ACTIVE));
        }
        schema.addMiningFields(new MiningField(target).setUsageType(MiningField.UsageType.TARGET));
        return schema;
    }

    private static Node node(Tree tree, Predicate predicate, List<String> features) {
        if (tree.leaf()) {
            return new LeafNode(tree.score(), predicate);
        }
        String field = features.get(tree.feature());
        return new ComplexNode(tree.score(), predicate)
                .addNodes(
                        node(
                                tree.left(),
                                new SimplePredicate(field, SimplePredicate.Operator.LESS_OR_EQUAL, tree.threshold()),
                                features),
                        node(
                                tree.right(),
                                new SimplePredicate(field, SimplePredicate.Operator.GREATER_THAN, tree.threshold()),
                                features));
    }
}
