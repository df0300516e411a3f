package dev.modelserving.deploy.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PMML documents written for the CLI tests, in the style of real exporters (field names with spaces), with the same
 * models computed in plain Java so outputs can be checked independently of JPMML.
 */
final class CliPmmlModels {

    private CliPmmlModels() {}

    static final double INTERCEPT = 3.5;
    static final double TEMPERATURE_COEFFICIENT = 0.92;
    static final double FAN_COEFFICIENT = -0.004;
    static final double LOAD_COEFFICIENT = 0.11;

    /**
     * Next temperature from the current reading: {@code 3.5 + 0.92 * "Temperature (C)" - 0.004 * "Fan speed (rpm)"
     * + 0.11 * "Load %"}; "Humidity (%)" is in the DataDictionary but unused, as exporters do.
     */
    static final String NEXT_TEMPERATURE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header description="next temperature"/>
              <DataDictionary numberOfFields="5">
                <DataField name="Temperature (C)" optype="continuous" dataType="double"/>
                <DataField name="Fan speed (rpm)" optype="continuous" dataType="double"/>
                <DataField name="Load %" optype="continuous" dataType="double"/>
                <DataField name="Humidity (%)" optype="continuous" dataType="double"/>
                <DataField name="Next temperature (C)" optype="continuous" dataType="double"/>
              </DataDictionary>
              <RegressionModel functionName="regression" algorithmName="least squares">
                <MiningSchema>
                  <MiningField name="Next temperature (C)" usageType="target"/>
                  <MiningField name="Temperature (C)"/>
                  <MiningField name="Fan speed (rpm)"/>
                  <MiningField name="Load %"/>
                </MiningSchema>
                <RegressionTable intercept="3.5">
                  <NumericPredictor name="Temperature (C)" coefficient="0.92"/>
                  <NumericPredictor name="Fan speed (rpm)" coefficient="-0.004"/>
                  <NumericPredictor name="Load %" coefficient="0.11"/>
                </RegressionTable>
              </RegressionModel>
            </PMML>
            """;

    /** The field mappings the CLI is given for {@link #NEXT_TEMPERATURE}. */
    static final String[] FIELD_MAPS = {
        "--field-map", "temperature_c=Temperature (C)",
        "--field-map", "fan_rpm=Fan speed (rpm)",
        "--field-map", "load_percent=Load %"
    };

    static double nextTemperature(double temperature, double fanRpm, double load) {
        return INTERCEPT + TEMPERATURE_COEFFICIENT * temperature + FAN_COEFFICIENT * fanRpm + LOAD_COEFFICIENT * load;
    }

    /**
     * Overheat classifier: a tree on "Temperature (C)" with leaves {@code <= 70}: "ok" [ok 8, hot 2] and
     * {@code > 70}: "hot" [ok 1, hot 3].
     */
    static final String OVERHEAT_TREE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header/>
              <DataDictionary>
                <DataField name="Temperature (C)" optype="continuous" dataType="double"/>
                <DataField name="state" optype="categorical" dataType="string">
                  <Value value="ok"/>
                  <Value value="hot"/>
                </DataField>
              </DataDictionary>
              <TreeModel functionName="classification" splitCharacteristic="binarySplit">
                <MiningSchema>
                  <MiningField name="Temperature (C)"/>
                  <MiningField name="state" usageType="target"/>
                </MiningSchema>
                <Node id="root" score="ok" recordCount="14">
                  <True/>
                  <Node id="cool" score="ok" recordCount="10">
                    <SimplePredicate field="Temperature (C)" operator="lessOrEqual" value="70"/>
                    <ScoreDistribution value="ok" recordCount="8"/>
                    <ScoreDistribution value="hot" recordCount="2"/>
                  </Node>
                  <Node id="warm" score="hot" recordCount="4">
                    <SimplePredicate field="Temperature (C)" operator="greaterThan" value="70"/>
                    <ScoreDistribution value="ok" recordCount="1"/>
                    <ScoreDistribution value="hot" recordCount="3"/>
                  </Node>
                </Node>
              </TreeModel>
            </PMML>
            """;

    /** The overheat tree by hand: label and probabilities in the target's category order (ok, hot). */
    static Map<String, Double> overheatProbabilities(double temperature) {
        Map<String, Double> p = new LinkedHashMap<>();
        if (temperature <= 70) {
            p.put("ok", 0.8);
            p.put("hot", 0.2);
        } else {
            p.put("ok", 0.25);
            p.put("hot", 0.75);
        }
        return p;
    }
}
