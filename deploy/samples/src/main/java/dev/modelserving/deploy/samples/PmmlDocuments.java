package dev.modelserving.deploy.samples;

import jakarta.xml.bind.JAXBException;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.dmg.pmml.Application;
import org.dmg.pmml.ComplexScoreDistribution;
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
import org.dmg.pmml.Value;
import org.dmg.pmml.Version;
import org.dmg.pmml.regression.NumericPredictor;
import org.dmg.pmml.regression.RegressionModel;
import org.dmg.pmml.regression.RegressionTable;
import org.dmg.pmml.tree.ComplexNode;
import org.dmg.pmml.tree.Node;
import org.dmg.pmml.tree.TreeModel;
import org.jpmml.model.JAXBSerializer;

/**
 * Writes trained sample models as PMML 4.4 documents with JPMML's object model ({@code org.dmg.pmml}, BSD-3) and
 * marshals them with its JAXB serializer. No timestamps are written, so the same model gives the same bytes.
 */
public final class PmmlDocuments {

    /** The {@code Application} named in every sample document's header. */
    public static final String APPLICATION = "modelserving sample trainer";

    private PmmlDocuments() {}

    /**
     * A RegressionModel: {@code target = intercept + sum(coefficient * feature)}.
     *
     * @param features the input field names, in the model's coefficient order
     */
    public static PMML regression(LinearModel model, List<String> features, String target, String description) {
        double[] coefficients = model.coefficients();
        if (coefficients.length != features.size()) {
            throw new IllegalArgumentException(
                    coefficients.length + " coefficients for " + features.size() + " features " + features);
        }
        DataDictionary dictionary = new DataDictionary();
        MiningSchema schema = new MiningSchema();
        RegressionTable table = new RegressionTable(model.intercept());
        for (int j = 0; j < features.size(); j++) {
            dictionary.addDataFields(new DataField(features.get(j), OpType.CONTINUOUS, DataType.DOUBLE));
            schema.addMiningFields(new MiningField(features.get(j)).setUsageType(MiningField.UsageType.ACTIVE));
            table.addNumericPredictors(new NumericPredictor(features.get(j), coefficients[j]));
        }
        dictionary.addDataFields(new DataField(target, OpType.CONTINUOUS, DataType.DOUBLE));
        schema.addMiningFields(new MiningField(target).setUsageType(MiningField.UsageType.TARGET));
        RegressionModel regression = new RegressionModel(MiningFunction.REGRESSION, schema, List.of(table))
                .setModelName(target + "_regression")
                .setAlgorithmName("ordinary least squares")
                .setTargetField(target);
        return document(dictionary, description).addModels(regression);
    }

    /**
     * A binary classification TreeModel; every node carries its majority label and record count, every leaf a
     * ScoreDistribution per label (record count and probability), so evaluators return class probabilities.
     *
     * @param features the input field names, indexed like {@link TreeNode.Split#feature()}
     * @param labels the target's two categories: labels.get(0) for class 0, labels.get(1) for class 1
     */
    public static PMML tree(
            TreeNode root, List<String> features, String target, List<String> labels, String description) {
        if (labels.size() != 2) {
            throw new IllegalArgumentException("a binary tree needs 2 labels, got " + labels);
        }
        DataDictionary dictionary = new DataDictionary();
        MiningSchema schema = new MiningSchema();
        for (String feature : features) {
            dictionary.addDataFields(new DataField(feature, OpType.CONTINUOUS, DataType.DOUBLE));
            schema.addMiningFields(new MiningField(feature).setUsageType(MiningField.UsageType.ACTIVE));
        }
        DataField targetField = new DataField(target, OpType.CATEGORICAL, DataType.STRING);
        labels.forEach(label -> targetField.addValues(new Value(label)));
        dictionary.addDataFields(targetField);
        schema.addMiningFields(new MiningField(target).setUsageType(MiningField.UsageType.TARGET));
        int[] nextId = {1};
        Node rootNode = node(root, True.INSTANCE, features, labels, nextId);
        TreeModel tree = new TreeModel(MiningFunction.CLASSIFICATION, schema, rootNode)
                .setModelName(target + "_tree")
                .setAlgorithmName("CART (Gini)")
                .setSplitCharacteristic(TreeModel.SplitCharacteristic.BINARY_SPLIT);
        return document(dictionary, description).addModels(tree);
    }

    private static Node node(
            TreeNode node, Predicate predicate, List<String> features, List<String> labels, int[] nextId) {
        String label = labels.get("1".equals(node.label()) ? 1 : 0);
        ComplexNode pmmlNode = new ComplexNode(label, predicate);
        pmmlNode.setId(Integer.toString(nextId[0]++));
        pmmlNode.setRecordCount(node.count());
        if (node instanceof TreeNode.Split split) {
            String field = features.get(split.feature());
            pmmlNode.addNodes(
                    node(
                            split.left(),
                            new SimplePredicate(field, SimplePredicate.Operator.LESS_OR_EQUAL, split.threshold()),
                            features,
                            labels,
                            nextId),
                    node(
                            split.right(),
                            new SimplePredicate(field, SimplePredicate.Operator.GREATER_THAN, split.threshold()),
                            features,
                            labels,
                            nextId));
        } else {
            pmmlNode.addScoreDistributions(
                    new ComplexScoreDistribution(labels.get(0), node.negatives())
                            .setProbability(1.0 - node.positiveProbability()),
                    new ComplexScoreDistribution(labels.get(1), node.positives())
                            .setProbability(node.positiveProbability()));
        }
        return pmmlNode;
    }

    private static PMML document(DataDictionary dictionary, String description) {
        Header header = new Header()
                .setDescription(description)
                .setApplication(new Application(APPLICATION).setVersion(SampleModels.CODE_VERSION));
        return new PMML(Version.PMML_4_4.getVersion(), header, dictionary);
    }

    /** The document as UTF-8 XML. */
    public static byte[] toBytes(PMML pmml) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new JAXBSerializer().serializePretty(pmml, out);
        } catch (JAXBException e) {
            throw new IllegalStateException("could not marshal a sample PMML document", e);
        }
        return out.toByteArray();
    }
}
