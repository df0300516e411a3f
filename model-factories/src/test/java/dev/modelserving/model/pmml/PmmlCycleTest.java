package dev.modelserving.model.pmml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.proto.DataRecord;
import org.junit.jupiter.api.Test;

/**
 * PMML documents whose functions or fields are defined through themselves load in JPMML but recurse without end when
 * scored (a StackOverflowError on the Flink task thread): they are refused at load, and acyclic ones still score.
 */
class PmmlCycleTest {

    private static final DataRecord X_IS_3 =
            DataRecord.newBuilder().setId("r").putFeatures("x", 3.0).build();

    static final String RECURSIVE_FUNCTION = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header/>
              <DataDictionary>
                <DataField name="x" optype="continuous" dataType="double"/>
                <DataField name="y" optype="continuous" dataType="double"/>
              </DataDictionary>
              <TransformationDictionary>
                <DefineFunction name="loop" optype="continuous" dataType="double">
                  <ParameterField name="v" optype="continuous" dataType="double"/>
                  <Apply function="loop"><FieldRef field="v"/></Apply>
                </DefineFunction>
                <DerivedField name="fx" optype="continuous" dataType="double">
                  <Apply function="loop"><FieldRef field="x"/></Apply>
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
            """;

    static final String CYCLIC_FIELDS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header/>
              <DataDictionary>
                <DataField name="x" optype="continuous" dataType="double"/>
                <DataField name="y" optype="continuous" dataType="double"/>
              </DataDictionary>
              <TransformationDictionary>
                <DerivedField name="a" optype="continuous" dataType="double">
                  <Apply function="+"><FieldRef field="b"/><FieldRef field="x"/></Apply>
                </DerivedField>
                <DerivedField name="b" optype="continuous" dataType="double">
                  <Apply function="+"><FieldRef field="a"/><FieldRef field="x"/></Apply>
                </DerivedField>
              </TransformationDictionary>
              <RegressionModel functionName="regression">
                <MiningSchema>
                  <MiningField name="y" usageType="target"/>
                  <MiningField name="x"/>
                </MiningSchema>
                <RegressionTable intercept="0">
                  <NumericPredictor name="a" coefficient="1"/>
                </RegressionTable>
              </RegressionModel>
            </PMML>
            """;

    /** f(v) = g(v), g(v) = f(v) + 1: mutual recursion. */
    static final String MUTUAL_FUNCTIONS = RECURSIVE_FUNCTION
            .replace(
                    "<Apply function=\"loop\"><FieldRef field=\"v\"/></Apply>",
                    "<Apply function=\"other\"><FieldRef field=\"v\"/></Apply>")
            .replace("<DerivedField name=\"fx\"", """
                <DefineFunction name="other" optype="continuous" dataType="double">
                  <ParameterField name="w" optype="continuous" dataType="double"/>
                  <Apply function="+"><Apply function="loop"><FieldRef field="w"/></Apply>
                    <Constant dataType="double">1</Constant></Apply>
                </DefineFunction>
                <DerivedField name="fx\"""");

    /** a = x + 1, b = a * 2, y = b: a chain of fields and functions without a cycle. */
    static final String CHAIN = CYCLIC_FIELDS
            .replace(
                    "<Apply function=\"+\"><FieldRef field=\"b\"/><FieldRef field=\"x\"/></Apply>",
                    "<Apply function=\"+\"><FieldRef field=\"x\"/><Constant dataType=\"double\">1</Constant></Apply>")
            .replace(
                    "<Apply function=\"+\"><FieldRef field=\"a\"/><FieldRef field=\"x\"/></Apply>",
                    "<Apply function=\"*\"><FieldRef field=\"a\"/><Constant dataType=\"double\">2</Constant></Apply>")
            .replace("<NumericPredictor name=\"a\"", "<NumericPredictor name=\"b\"");

    private static void assertRefused(String document, String... messageParts) {
        // Before the check these loaded, and scoring threw StackOverflowError.
        assertThatThrownBy(() -> PmmlDescriptors.create(
                        PmmlDescriptors.descriptor("cycle", document).build()))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(ModelProblem.INVALID_ARTIFACT))
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void aFunctionThatAppliesItselfIsRefused() {
        assertRefused(RECURSIVE_FUNCTION, "functions call themselves", "'loop' -> 'loop'");
    }

    @Test
    void functionsThatApplyEachOtherAreRefused() {
        assertRefused(MUTUAL_FUNCTIONS, "functions call themselves", "'loop' -> 'other' -> 'loop'");
    }

    @Test
    void derivedFieldsDefinedThroughEachOtherAreRefused() {
        assertRefused(CYCLIC_FIELDS, "fields are defined in a cycle", "'a' -> 'b' -> 'a'");
    }

    @Test
    void aChainOfFieldsWithoutACycleStillScores() throws Exception {
        try (PmmlModel model = PmmlDescriptors.create(
                PmmlDescriptors.descriptor("chain", CHAIN).build())) {
            assertThat(model.score(X_IS_3).outputs()[0]).isCloseTo(8.0, within(1e-9));
        }
    }

    @Test
    void aDocumentFunctionUsedByAFieldStillScores() throws Exception {
        String document = PmmlDocuments.applying("double", "double");
        try (PmmlModel model = PmmlDescriptors.create(
                PmmlDescriptors.descriptor("fn", document).build())) {
            assertThat(model.score(X_IS_3).outputs()[0]).isCloseTo(6.0, within(1e-9));
        }
    }
}
