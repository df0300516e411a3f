package dev.modelserving.model.pmml;

import java.nio.charset.StandardCharsets;

/**
 * A wine-quality regression with a categorical input, written for the tests of every module (nothing copied from
 * elsewhere), in the style of a scikit-learn/sklearn2pmml export: spaced field names and a string DataField
 * {@code colour} (red/white) used by a {@code CategoricalPredictor}.
 *
 * <p>{@code quality = 2.5 - 0.05 * fixed acidity + 0.31 * alcohol + (colour == white ? 0.42 : 0)}; {@link #quality}
 * computes it in plain Java.
 */
public final class WineQualityPmml {

    /** Numeric input field. */
    public static final String FIXED_ACIDITY = "fixed acidity";
    /** Numeric input field. */
    public static final String ALCOHOL = "alcohol";
    /** Categorical (string) input field: "red" or "white". */
    public static final String COLOUR = "colour";
    /** Target field. */
    public static final String QUALITY = "quality";

    private static final double INTERCEPT = 2.5;
    private static final double FIXED_ACIDITY_COEFFICIENT = -0.05;
    private static final double ALCOHOL_COEFFICIENT = 0.31;
    private static final double WHITE_COEFFICIENT = 0.42;

    private WineQualityPmml() {}

    /**
     * The PMML document.
     *
     * @param missingColour the colour a missing value is replaced with (MiningField@missingValueReplacement), or
     *     null for none (a record without colour then fails)
     */
    public static String document(String missingColour) {
        String replacement = missingColour == null ? "" : " missingValueReplacement=\"" + missingColour + "\"";
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
                  <Header description="wine quality from acidity, alcohol and colour"/>
                  <DataDictionary numberOfFields="4">
                    <DataField name="fixed acidity" optype="continuous" dataType="double"/>
                    <DataField name="alcohol" optype="continuous" dataType="double"/>
                    <DataField name="colour" optype="categorical" dataType="string">
                      <Value value="red"/>
                      <Value value="white"/>
                    </DataField>
                    <DataField name="quality" optype="continuous" dataType="double"/>
                  </DataDictionary>
                  <RegressionModel functionName="regression" algorithmName="least squares">
                    <MiningSchema>
                      <MiningField name="quality" usageType="target"/>
                      <MiningField name="fixed acidity"/>
                      <MiningField name="alcohol"/>
                      <MiningField name="colour"%s/>
                    </MiningSchema>
                    <RegressionTable intercept="2.5">
                      <NumericPredictor name="fixed acidity" coefficient="-0.05"/>
                      <NumericPredictor name="alcohol" coefficient="0.31"/>
                      <CategoricalPredictor name="colour" value="red" coefficient="0.0"/>
                      <CategoricalPredictor name="colour" value="white" coefficient="0.42"/>
                    </RegressionTable>
                  </RegressionModel>
                </PMML>
                """.formatted(replacement);
    }

    /** {@link #document} as UTF-8 bytes. */
    public static byte[] bytes(String missingColour) {
        return document(missingColour).getBytes(StandardCharsets.UTF_8);
    }

    /** The model's quality, computed in plain Java. */
    public static double quality(double fixedAcidity, double alcohol, String colour) {
        return INTERCEPT
                + FIXED_ACIDITY_COEFFICIENT * fixedAcidity
                + ALCOHOL_COEFFICIENT * alcohol
                + ("white".equals(colour) ? WHITE_COEFFICIENT : 0.0);
    }
}
