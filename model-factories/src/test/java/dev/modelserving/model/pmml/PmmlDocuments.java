package dev.modelserving.model.pmml;

import java.nio.charset.StandardCharsets;

/**
 * PMML documents written for these tests (nothing copied from elsewhere). Each test recomputes the model's output
 * in plain Java from the numbers written here.
 */
final class PmmlDocuments {

    private PmmlDocuments() {}

    /**
     * Linear regression in the style of a scikit-learn export: spaced field names, a DataDictionary of four fields of
     * which the model uses two inputs ({@code sepal width (cm)} is unused) and one target.
     * {@code petal width (cm) = -0.3 - 0.21 * sepal length (cm) + 0.53 * petal length (cm)}.
     */
    static final String IRIS_REGRESSION = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header description="petal width from sepal and petal length"/>
              <DataDictionary numberOfFields="4">
                <DataField name="sepal length (cm)" optype="continuous" dataType="double"/>
                <DataField name="sepal width (cm)" optype="continuous" dataType="double"/>
                <DataField name="petal length (cm)" optype="continuous" dataType="double"/>
                <DataField name="petal width (cm)" optype="continuous" dataType="double"/>
              </DataDictionary>
              <RegressionModel functionName="regression" algorithmName="least squares">
                <MiningSchema>
                  <MiningField name="petal width (cm)" usageType="target"/>
                  <MiningField name="sepal length (cm)"/>
                  <MiningField name="petal length (cm)"/>
                </MiningSchema>
                <RegressionTable intercept="-0.3">
                  <NumericPredictor name="sepal length (cm)" coefficient="-0.21"/>
                  <NumericPredictor name="petal length (cm)" coefficient="0.53"/>
                </RegressionTable>
              </RegressionModel>
            </PMML>
            """;

    /**
     * {@code y = f(x)}: a regression on the derived field {@code fx = <Apply function="f"><FieldRef field="x"/>}.
     *
     * @param defined the name of a {@code DefineFunction} computing {@code 2 * v}, or null for none
     */
    static String applying(String function, String defined) {
        String definition = defined == null ? "" : """
                    <DefineFunction name="%s" optype="continuous" dataType="double">
                      <ParameterField name="v" optype="continuous" dataType="double"/>
                      <Apply function="*"><FieldRef field="v"/><Constant dataType="double">2</Constant></Apply>
                    </DefineFunction>
                """.formatted(defined);
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
                  <Header/>
                  <DataDictionary>
                    <DataField name="x" optype="continuous" dataType="double"/>
                    <DataField name="y" optype="continuous" dataType="double"/>
                  </DataDictionary>
                  <TransformationDictionary>
                %s    <DerivedField name="fx" optype="continuous" dataType="double">
                      <Apply function="%s"><FieldRef field="x"/></Apply>
                    </DerivedField>
                  </TransformationDictionary>
                  <RegressionModel functionName="regression">
                    <MiningSchema>
                      <MiningField name="y" usageType="target"/>
                      <MiningField name="x"/>
                    </MiningSchema>
                    <RegressionTable intercept="0">
                      <NumericPredictor name="fx" coefficient="1"/>
                    </RegressionTable>
                  </RegressionModel>
                </PMML>
                """.formatted(definition, function);
    }

    static final double IRIS_INTERCEPT = -0.3;
    static final double IRIS_SEPAL_LENGTH_COEFFICIENT = -0.21;
    static final double IRIS_PETAL_LENGTH_COEFFICIENT = 0.53;

    /**
     * Decision tree over machine readings with an integer-coded target {@code alarm} (categories 0, 1, 2 in that
     * order). Leaves (record counts per class in brackets, written in a different order than the DataField's):
     * <ul>
     *   <li>{@code temperature <= 60}: score 0 [0: 45, 1: 4, 2: 1]
     *   <li>{@code temperature > 60} and {@code fan rpm < 1500}: score 2 [0: 2, 1: 6, 2: 12]
     *   <li>{@code temperature > 60} and {@code fan rpm >= 1500}: score 1 [0: 10, 1: 25, 2: 5]
     * </ul>
     */
    static final String MACHINE_ALARM_TREE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header/>
              <DataDictionary>
                <DataField name="temperature" optype="continuous" dataType="double"/>
                <DataField name="fan rpm" optype="continuous" dataType="double"/>
                <DataField name="alarm" optype="categorical" dataType="integer">
                  <Value value="0"/>
                  <Value value="1"/>
                  <Value value="2"/>
                </DataField>
              </DataDictionary>
              <TreeModel functionName="classification" splitCharacteristic="binarySplit">
                <MiningSchema>
                  <MiningField name="temperature"/>
                  <MiningField name="fan rpm"/>
                  <MiningField name="alarm" usageType="target"/>
                </MiningSchema>
                <Node id="root" score="1" recordCount="110">
                  <True/>
                  <Node id="cool" score="0" recordCount="50">
                    <SimplePredicate field="temperature" operator="lessOrEqual" value="60"/>
                    <ScoreDistribution value="2" recordCount="1"/>
                    <ScoreDistribution value="0" recordCount="45"/>
                    <ScoreDistribution value="1" recordCount="4"/>
                  </Node>
                  <Node id="hot" score="1" recordCount="60">
                    <SimplePredicate field="temperature" operator="greaterThan" value="60"/>
                    <Node id="hot-slow-fan" score="2" recordCount="20">
                      <SimplePredicate field="fan rpm" operator="lessThan" value="1500"/>
                      <ScoreDistribution value="2" recordCount="12"/>
                      <ScoreDistribution value="0" recordCount="2"/>
                      <ScoreDistribution value="1" recordCount="6"/>
                    </Node>
                    <Node id="hot-fast-fan" score="1" recordCount="40">
                      <SimplePredicate field="fan rpm" operator="greaterOrEqual" value="1500"/>
                      <ScoreDistribution value="2" recordCount="5"/>
                      <ScoreDistribution value="0" recordCount="10"/>
                      <ScoreDistribution value="1" recordCount="25"/>
                    </Node>
                  </Node>
                </Node>
              </TreeModel>
            </PMML>
            """;

    /** A tree with leaf scores only (no ScoreDistribution): {@code temperature > 60} is "hot", otherwise "cold". */
    static final String SCORE_ONLY_TREE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header/>
              <DataDictionary>
                <DataField name="temperature" optype="continuous" dataType="double"/>
                <DataField name="state" optype="categorical" dataType="string">
                  <Value value="cold"/>
                  <Value value="hot"/>
                </DataField>
              </DataDictionary>
              <TreeModel functionName="classification">
                <MiningSchema>
                  <MiningField name="temperature"/>
                  <MiningField name="state" usageType="target"/>
                </MiningSchema>
                <Node score="cold">
                  <True/>
                  <Node score="hot">
                    <SimplePredicate field="temperature" operator="greaterThan" value="60"/>
                  </Node>
                  <Node score="cold">
                    <True/>
                  </Node>
                </Node>
              </TreeModel>
            </PMML>
            """;

    /**
     * Ensemble regression: the average of the segments whose predicate holds. Segment "base" (always):
     * {@code 1 + 2a}; segment "positive-a" (only when {@code a > 0}): {@code -3 + 0.5a + 4b}.
     */
    static final String AVERAGE_OF_REGRESSIONS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header/>
              <DataDictionary>
                <DataField name="a" optype="continuous" dataType="double"/>
                <DataField name="b" optype="continuous" dataType="double"/>
                <DataField name="y" optype="continuous" dataType="double"/>
              </DataDictionary>
              <MiningModel functionName="regression">
                <MiningSchema>
                  <MiningField name="a"/>
                  <MiningField name="b"/>
                  <MiningField name="y" usageType="target"/>
                </MiningSchema>
                <Segmentation multipleModelMethod="average">
                  <Segment id="base">
                    <True/>
                    <RegressionModel functionName="regression">
                      <MiningSchema>
                        <MiningField name="a"/>
                        <MiningField name="y" usageType="target"/>
                      </MiningSchema>
                      <RegressionTable intercept="1">
                        <NumericPredictor name="a" coefficient="2"/>
                      </RegressionTable>
                    </RegressionModel>
                  </Segment>
                  <Segment id="positive-a">
                    <SimplePredicate field="a" operator="greaterThan" value="0"/>
                    <RegressionModel functionName="regression">
                      <MiningSchema>
                        <MiningField name="a"/>
                        <MiningField name="b"/>
                        <MiningField name="y" usageType="target"/>
                      </MiningSchema>
                      <RegressionTable intercept="-3">
                        <NumericPredictor name="a" coefficient="0.5"/>
                        <NumericPredictor name="b" coefficient="4"/>
                      </RegressionTable>
                    </RegressionModel>
                  </Segment>
                </Segmentation>
              </MiningModel>
            </PMML>
            """;

    /**
     * Majority vote of three one-split trees over {@code x} and {@code z}, target {@code risk} with categories "low",
     * "high" (in that order). Tree 1 says "high" when {@code x > 1}, tree 2 when {@code z > 2}, tree 3 when
     * {@code x > 3}; otherwise each says "low".
     */
    static final String MAJORITY_VOTE_OF_TREES = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header/>
              <DataDictionary>
                <DataField name="x" optype="continuous" dataType="double"/>
                <DataField name="z" optype="continuous" dataType="double"/>
                <DataField name="risk" optype="categorical" dataType="string">
                  <Value value="low"/>
                  <Value value="high"/>
                </DataField>
              </DataDictionary>
              <MiningModel functionName="classification">
                <MiningSchema>
                  <MiningField name="x"/>
                  <MiningField name="z"/>
                  <MiningField name="risk" usageType="target"/>
                </MiningSchema>
                <Segmentation multipleModelMethod="majorityVote">
                  %s
                  %s
                  %s
                </Segmentation>
              </MiningModel>
            </PMML>
            """.formatted(voteTree("x", 1), voteTree("z", 2), voteTree("x", 3));

    private static String voteTree(String field, double threshold) {
        return """
                <Segment>
                  <True/>
                  <TreeModel functionName="classification">
                    <MiningSchema>
                      <MiningField name="%1$s"/>
                      <MiningField name="risk" usageType="target"/>
                    </MiningSchema>
                    <Node score="low">
                      <True/>
                      <Node score="high">
                        <SimplePredicate field="%1$s" operator="greaterThan" value="%2$s"/>
                      </Node>
                      <Node score="low">
                        <True/>
                      </Node>
                    </Node>
                  </TreeModel>
                </Segment>
                """.formatted(field, threshold);
    }

    /**
     * A 2-2-1 network: inputs {@code u}, {@code v}; a logistic hidden layer (neuron 2: bias 0.1, weights 0.5, -0.4;
     * neuron 3: bias -0.2, weights 0.3, 0.8); an identity output neuron 4 (bias 0.05, weights 1.5, -0.7) giving
     * {@code score}.
     */
    static final String TWO_LAYER_NETWORK = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header/>
              <DataDictionary>
                <DataField name="u" optype="continuous" dataType="double"/>
                <DataField name="v" optype="continuous" dataType="double"/>
                <DataField name="score" optype="continuous" dataType="double"/>
              </DataDictionary>
              <NeuralNetwork functionName="regression" activationFunction="logistic">
                <MiningSchema>
                  <MiningField name="u"/>
                  <MiningField name="v"/>
                  <MiningField name="score" usageType="target"/>
                </MiningSchema>
                <NeuralInputs numberOfInputs="2">
                  <NeuralInput id="0">
                    <DerivedField optype="continuous" dataType="double"><FieldRef field="u"/></DerivedField>
                  </NeuralInput>
                  <NeuralInput id="1">
                    <DerivedField optype="continuous" dataType="double"><FieldRef field="v"/></DerivedField>
                  </NeuralInput>
                </NeuralInputs>
                <NeuralLayer numberOfNeurons="2">
                  <Neuron id="2" bias="0.1"><Con from="0" weight="0.5"/><Con from="1" weight="-0.4"/></Neuron>
                  <Neuron id="3" bias="-0.2"><Con from="0" weight="0.3"/><Con from="1" weight="0.8"/></Neuron>
                </NeuralLayer>
                <NeuralLayer numberOfNeurons="1" activationFunction="identity">
                  <Neuron id="4" bias="0.05"><Con from="2" weight="1.5"/><Con from="3" weight="-0.7"/></Neuron>
                </NeuralLayer>
                <NeuralOutputs numberOfOutputs="1">
                  <NeuralOutput outputNeuron="4">
                    <DerivedField optype="continuous" dataType="double"><FieldRef field="score"/></DerivedField>
                  </NeuralOutput>
                </NeuralOutputs>
              </NeuralNetwork>
            </PMML>
            """;

    /**
     * {@link #IRIS_REGRESSION} carrying its own ModelVerification record: sepal length 5, petal length 2 give
     * {@code expectedPetalWidth} (the formula gives -0.29).
     */
    static String irisWithVerification(double expectedPetalWidth) {
        return IRIS_REGRESSION.replace("    </RegressionTable>\n", """
                    </RegressionTable>
                    <ModelVerification recordCount="1" fieldCount="3">
                      <VerificationFields>
                        <VerificationField field="sepal length (cm)" column="sl"/>
                        <VerificationField field="petal length (cm)" column="pl"/>
                        <VerificationField field="petal width (cm)" column="pw" precision="1e-6"/>
                      </VerificationFields>
                      <InlineTable>
                        <row><sl>5</sl><pl>2</pl><pw>%s</pw></row>
                      </InlineTable>
                    </ModelVerification>
                """.formatted(expectedPetalWidth));
    }

    /**
     * Binary logistic regression with a double-typed target {@code failed} (categories written "0", "1"): softmax over
     * the tables {@code y1 = -4 + 0.05 * temperature} (category 1) and {@code y0 = 0} (category 0), so
     * {@code P(1) = 1 / (1 + exp(-y1))}.
     */
    static final String FAILURE_LOGISTIC_REGRESSION = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header/>
              <DataDictionary>
                <DataField name="temperature" optype="continuous" dataType="double"/>
                <DataField name="failed" optype="categorical" dataType="double">
                  <Value value="0"/>
                  <Value value="1"/>
                </DataField>
              </DataDictionary>
              <RegressionModel functionName="classification" normalizationMethod="softmax">
                <MiningSchema>
                  <MiningField name="temperature"/>
                  <MiningField name="failed" usageType="target"/>
                </MiningSchema>
                <RegressionTable intercept="-4" targetCategory="1">
                  <NumericPredictor name="temperature" coefficient="0.05"/>
                </RegressionTable>
                <RegressionTable intercept="0" targetCategory="0"/>
              </RegressionModel>
            </PMML>
            """;

    /** Loads fine (JPMML resolves predictor fields lazily) but references field "ghost", which is defined nowhere. */
    static final String UNDEFINED_FIELD_REGRESSION = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header/>
              <DataDictionary>
                <DataField name="x" optype="continuous" dataType="double"/>
                <DataField name="y" optype="continuous" dataType="double"/>
              </DataDictionary>
              <RegressionModel functionName="regression">
                <MiningSchema>
                  <MiningField name="x"/>
                  <MiningField name="y" usageType="target"/>
                </MiningSchema>
                <RegressionTable intercept="1">
                  <NumericPredictor name="x" coefficient="2"/>
                  <NumericPredictor name="ghost" coefficient="3"/>
                </RegressionTable>
              </RegressionModel>
            </PMML>
            """;

    /** Well-formed PMML with a DataDictionary but no model element. */
    static final String NO_MODEL = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header/>
              <DataDictionary>
                <DataField name="x" optype="continuous" dataType="double"/>
              </DataDictionary>
            </PMML>
            """;

    /**
     * {@link #IRIS_REGRESSION} with a DOCTYPE whose external entity {@code &secret;} points at {@code file} and is
     * used in the Header: a parser that resolved it would copy the file into the model.
     */
    static String withExternalEntity(String fileUri) {
        return IRIS_REGRESSION
                .replace(
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE PMML [\n  <!ENTITY secret SYSTEM \""
                                + fileUri + "\">\n]>\n")
                .replace(
                        "<Header description=\"petal width from sepal and petal length\"/>",
                        "<Header description=\"&secret;\"/>");
    }

    static byte[] bytes(String document) {
        return document.getBytes(StandardCharsets.UTF_8);
    }
}
