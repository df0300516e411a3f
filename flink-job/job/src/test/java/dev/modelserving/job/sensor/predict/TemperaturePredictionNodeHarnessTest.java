package dev.modelserving.job.sensor.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.job.sensor.context.SensorContexts;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.FanCurvePoint;
import dev.modelserving.proto.MachineProperties;
import dev.modelserving.proto.PredictedTemperature;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TemperaturePredictionNodeHarnessTest {

    private BroadcastOperatorTestHarness<ServingResult, ContextUpdate, PredictedTemperature> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                new TemperaturePredictionNode(2.0), SensorContexts.MACHINES, SensorContexts.RPM_CONFIG);
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    private static ServingResult scored(String machine, double predicted) {
        return ServingResult.newBuilder()
                .setRecordId(machine + "-660000")
                .setKey(machine)
                .setDataType("machine-features")
                .setStatus(ServingStatus.SCORED)
                .setModelName("temperature-forecast")
                .setModelVersion(2)
                .addOutputs(predicted)
                .setEventTimeMillis(660_000L)
                .build();
    }

    private static ContextUpdate machine(String id, double alertC) {
        return ContextUpdate.newBuilder()
                .setMachineProperties(MachineProperties.newBuilder()
                        .setMachineId(id)
                        .setName(id)
                        .addFanCurve(
                                FanCurvePoint.newBuilder().setTemperatureC(20).setRpm(800))
                        .setAlertTemperatureC(alertC))
                .build();
    }

    @Test
    void aScoredFeatureResultBecomesAPredictionWithTheProbabilityOfExceedingTheAlertTemperature() throws Exception {
        harness.processBroadcastElement(machine("m1", 85), 0L);
        harness.processElement(scored("m1", 83), 660_000L);

        PredictedTemperature prediction = harness.extractOutputValues().get(0);
        assertThat(prediction.getMachineId()).isEqualTo("m1");
        assertThat(prediction.getTimestampMillis()).isEqualTo(660_000L);
        assertThat(prediction.getPredictedTemperatureC()).isEqualTo(83.0);
        assertThat(prediction.getAlertTemperatureC()).isEqualTo(85.0);
        // (85 - 83) / 2 = 1 sigma: 1 - Phi(1) = 0.158655
        assertThat(prediction.getProbabilityExceedingAlert()).isCloseTo(0.158655, within(1e-5));
        assertThat(prediction.getModelName()).isEqualTo("temperature-forecast");
        assertThat(prediction.getModelVersion()).isEqualTo(2);
        assertThat(prediction.getRecordId()).isEqualTo("m1-660000");
    }

    @Test
    void aMachineWithoutPropertiesGetsProbabilityMinusOne() throws Exception {
        harness.processElement(scored("m9", 90), 1L);

        PredictedTemperature prediction = harness.extractOutputValues().get(0);
        assertThat(prediction.getProbabilityExceedingAlert()).isEqualTo(-1.0);
        assertThat(prediction.getAlertTemperatureC()).isZero();
    }

    @Test
    void aChangedAlertTemperatureAppliesToTheNextPrediction() throws Exception {
        harness.processBroadcastElement(machine("m1", 85), 0L);
        harness.processElement(scored("m1", 85), 1L);
        harness.processBroadcastElement(machine("m1", 81), 2L);
        harness.processElement(scored("m1", 85), 3L);

        assertThat(harness.extractOutputValues())
                .extracting(PredictedTemperature::getProbabilityExceedingAlert)
                .satisfiesExactly(
                        p -> assertThat(p).isCloseTo(0.5, within(1e-6)),
                        // (81 - 85) / 2 = -2 sigma: 1 - Phi(-2) = 0.977250
                        p -> assertThat(p).isCloseTo(0.977250, within(1e-5)));
    }

    @Test
    void resultsThatAreNoTemperaturePredictionAreSkipped() throws Exception {
        harness.processBroadcastElement(machine("m1", 85), 0L);
        harness.processElement(
                scored("m1", 80).toBuilder().setDataType("sensor").build(), 1L);
        harness.processElement(
                scored("m1", 80).toBuilder().setStatus(ServingStatus.FAILED).build(), 2L);
        harness.processElement(
                scored("m1", 80).toBuilder()
                        .clearOutputs()
                        .setStatus(ServingStatus.NO_MODEL)
                        .build(),
                3L);
        harness.processElement(
                scored("m1", 0.3).toBuilder().addOutputs(0.7).setLabel("1").build(), 4L);
        harness.processElement(scored("m1", Double.NaN), 5L);
        harness.processElement(scored("m1", 84), 6L);

        assertThat(harness.extractOutputValues())
                .extracting(PredictedTemperature::getPredictedTemperatureC)
                .containsExactly(84.0);
    }
}
