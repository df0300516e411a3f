package dev.modelserving.job.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.protobuf.ByteString;
import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.model.sensor.ExceedanceProbability;
import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.model.sensor.MachineFeatureStream;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.FanCurvePoint;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.MachineProperties;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import dev.modelserving.proto.PredictedTemperature;
import dev.modelserving.proto.SensorReading;
import dev.modelserving.proto.ValidationSample;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sensor system through Kafka in a MiniCluster: readings (in order, out of order within the bound, late, NaN,
 * garbage) become feature records, a model of data type {@code machine-features} scores them, and the predictions
 * topic carries every prediction with the model's version and the probability of exceeding the machine's alert
 * temperature. Expected records come from {@link MachineFeatureStream} (the same feature code, fed in event-time
 * order), expected predictions from the model's formula. Stop-with-savepoint and restore keep the windows, the
 * whitening and the waiting readings: the first readings after the restart have records at once and the same values.
 */
class SensorSystemIntegrationTest extends ClusterAndBrokerPerClass {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long OUT_OF_ORDERNESS_MS = 5000;
    private static final int WARM_UP = 5;
    private static final double SIGMA_C = 2.0;
    private static final double ALERT_C = 75.0;
    private static final long START = 1_767_225_600_000L;
    private static final double INTERCEPT = 0.25;
    private static final double CURRENT = 1.0;
    private static final double SLOPE_Z = 0.5;

    private static final String PMML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
              <Header description="integration-test forecast on machine features"/>
              <DataDictionary numberOfFields="3">
                <DataField name="temperature_c" optype="continuous" dataType="double"/>
                <DataField name="temperature_slope_c_per_min_z" optype="continuous" dataType="double"/>
                <DataField name="temperature_next_c" optype="continuous" dataType="double"/>
              </DataDictionary>
              <RegressionModel functionName="regression">
                <MiningSchema>
                  <MiningField name="temperature_next_c" usageType="target"/>
                  <MiningField name="temperature_c"/>
                  <MiningField name="temperature_slope_c_per_min_z"/>
                </MiningSchema>
                <RegressionTable intercept="0.25">
                  <NumericPredictor name="temperature_c" coefficient="1.0"/>
                  <NumericPredictor name="temperature_slope_c_per_min_z" coefficient="0.5"/>
                </RegressionTable>
              </RegressionModel>
            </PMML>
            """;

    private static double forecast(DataRecord record) {
        return INTERCEPT
                + CURRENT * record.getFeaturesOrThrow("temperature_c")
                + SLOPE_Z * record.getFeaturesOrThrow("temperature_slope_c_per_min_z");
    }

    private static ModelDescriptor model() {
        ModelDescriptor.Builder model = ModelDescriptor.newBuilder()
                .setName("forecast")
                .setVersion(3)
                .setDataType(MachineFeatureRecords.DATA_TYPE)
                .setModelType(ModelType.PMML)
                .setArtifactBytes(ByteString.copyFrom(PMML.getBytes(StandardCharsets.UTF_8)))
                .setInput(InputSpec.newBuilder()
                        .addFeatureNames("temperature_c")
                        .addFeatureNames("temperature_slope_c_per_min_z"))
                .setOutput(
                        OutputSpec.newBuilder().setKind(OutputKind.REGRESSION).setTargetField("temperature_next_c"));
        DataRecord sample = DataRecord.newBuilder()
                .setDataType(MachineFeatureRecords.DATA_TYPE)
                .setId("sample")
                .putFeatures("temperature_c", 60)
                .putFeatures("temperature_slope_c_per_min_z", -2)
                .build();
        return model.addValidationSamples(
                        ValidationSample.newBuilder().setInput(sample).addExpectedOutputs(forecast(sample)))
                .build();
    }

    /** Machine {@code m}'s reading at second {@code s}: temperatures that rise and fall, rpm and load that vary. */
    private static SensorReading reading(String machine, int s) {
        double phase = machine.equals("m1") ? 0 : machine.equals("m2") ? 1.3 : 2.1;
        return SensorReading.newBuilder()
                .setMachineId(machine)
                .setTimestampMillis(START + s * 1000L)
                .setTemperatureC(70 + 6 * Math.sin(s / 9.0 + phase) + 0.01 * s)
                .setFanRpm(1500 + 200 * Math.cos(s / 7.0))
                .setLoadPercent(50 + 20 * Math.sin(s / 5.0))
                .build();
    }

    /** The feature records the job must compute, per machine, fed in event-time order. */
    private final Map<String, MachineFeatureStream> reference = new HashMap<>();

    private final Map<String, DataRecord> expected = new LinkedHashMap<>();

    private void expect(SensorReading reading) {
        reference
                .computeIfAbsent(reading.getMachineId(), id -> new MachineFeatureStream(WARM_UP))
                .accept(reading)
                .ifPresent(record -> expected.put(record.getId(), record));
    }

    /** Ids of expected records whose reading the watermark after {@code maxSecond} has released. */
    private List<String> released(int maxSecond) {
        long watermark = START + maxSecond * 1000L - OUT_OF_ORDERNESS_MS - 1;
        return expected.values().stream()
                .filter(r -> r.getEventTimeMillis() <= watermark)
                .map(DataRecord::getId)
                .toList();
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void readingsBecomePredictionsAndASavepointKeepsWindowsAndWhitening(
            @InjectMiniCluster MiniCluster cluster, @TempDir Path savepoints) throws Exception {
        ServingTopics topics = new ServingTopics(broker.bootstrapServers(), "sensor-system");
        String properties = "sensor-system-machine-properties";
        String rpmConfig = "sensor-system-rpm-config";
        String alerts = "sensor-system-alerts";
        String predictions = "sensor-system-predictions";
        // one data partition: the watermark follows one ordered stream of readings
        broker.createTopics(1, topics.data());
        broker.createTopics(
                2,
                topics.models(),
                topics.results(),
                topics.deadLetters(),
                topics.events(),
                topics.stats(),
                properties,
                rpmConfig,
                alerts,
                predictions);
        ServingJobConfig config = topics.config(
                Mode.KEYED,
                1,
                "--data-format",
                "sensor-reading",
                "--sensor-system",
                "true",
                "--machine-properties-topic",
                properties,
                "--rpm-config-topic",
                rpmConfig,
                "--alerts-topic",
                alerts,
                "--predictions-topic",
                predictions,
                "--max-out-of-orderness-ms",
                Long.toString(OUT_OF_ORDERNESS_MS),
                "--whitening-warm-up",
                Integer.toString(WARM_UP),
                "--temperature-sigma-c",
                Double.toString(SIGMA_C));

        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<PredictedTemperature> predicted = TopicReader.readUncommitted(
                        broker.bootstrapServers(), predictions, PredictedTemperature.parser());
                TopicReader<DeadLetter> deadLetters = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.deadLetters(), DeadLetter.parser());
                TopicReader<ModelEvent> events =
                        TopicReader.readUncommitted(broker.bootstrapServers(), topics.events(), ModelEvent.parser())) {
            producer.send(
                    properties,
                    "m1",
                    MachineProperties.newBuilder()
                            .setMachineId("m1")
                            .setName("press 1")
                            .addFanCurve(FanCurvePoint.newBuilder()
                                    .setTemperatureC(40)
                                    .setRpm(1000))
                            .setAlertTemperatureC(ALERT_C)
                            .build());
            producer.send(topics.models(), MachineFeatureRecords.DATA_TYPE, model());

            String savepoint;
            try (ServingJobRun first = ServingJobRun.start(config, cluster)) {
                events.awaitUntil(
                        "the model is active",
                        WAIT,
                        c -> c.stream().anyMatch(e -> e.value().getType() == ModelEventType.ACTIVATED));
                for (int s = 0; s < 60; s++) {
                    for (String machine : List.of("m1", "m2", "m3")) {
                        SensorReading reading = reading(machine, s);
                        if (machine.equals("m3") && s == 5) {
                            // a NaN keeps m3's windows (10 minutes) from ever having features in this test
                            reading = reading.toBuilder()
                                    .setLoadPercent(Double.NaN)
                                    .build();
                        }
                        if (!(machine.equals("m2") && s == 30)) {
                            producer.send(topics.data(), machine, reading);
                        }
                        if (machine.equals("m2") && s == 31) {
                            // out of order within the bound: m2's second 30 arrives after its second 31
                            producer.send(topics.data(), machine, reading("m2", 30));
                        }
                        expect(reading);
                    }
                    if (s == 40) {
                        producer.sendBytes(topics.data(), "m1", "not a reading".getBytes(StandardCharsets.UTF_8));
                    }
                }
                List<String> beforeStop = released(59);
                assertThat(beforeStop).as("records before the stop").hasSizeGreaterThan(20);
                List<PredictedTemperature> firstRun =
                        values(predicted.awaitUntil("a prediction for every released reading", WAIT, ids(beforeStop)));
                assertPredictions(firstRun, beforeStop);
                // every reading up to second 53 was released: the watermark is past second 20, so this one is late
                producer.send(
                        topics.data(),
                        "m1",
                        reading("m1", 20).toBuilder().setTemperatureC(99).build());
                assertThat(values(deadLetters.awaitUntil(
                                "the garbage and the late reading are dead letters", WAIT, c -> c.size() >= 2)))
                        .extracting(DeadLetter::getReason)
                        .anySatisfy(r -> assertThat(r).contains("not a SensorReading"))
                        .anySatisfy(r -> assertThat(r).contains("late SensorReading of machine 'm1'"));
                assertThat(first.restarts()).isZero();
                savepoint = first.stopWithSavepoint(savepoints);
            }

            try (ServingJobRun second = ServingJobRun.restore(config, savepoint)) {
                for (int s = 60; s < 70; s++) {
                    for (String machine : List.of("m1", "m2")) {
                        producer.send(topics.data(), machine, reading(machine, s));
                        expect(reading(machine, s));
                    }
                }
                List<String> all = released(69);
                List<String> afterRestart =
                        all.stream().filter(id -> !released(59).contains(id)).toList();
                // without the restored windows and whitening, no machine would have a record for 10 + warm-up readings
                assertThat(afterRestart).hasSize(2 * 10);
                List<PredictedTemperature> both = values(
                        predicted.awaitUntil("predictions of the readings released after the restart", WAIT, ids(all)));
                assertPredictions(both, all);
                assertThat(second.status()).isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
            }
        }
    }

    private static <T> List<T> values(List<Consumed<T>> consumed) {
        return consumed.stream().map(Consumed::value).toList();
    }

    private static java.util.function.Predicate<List<Consumed<PredictedTemperature>>> ids(List<String> ids) {
        return consumed -> consumed.stream()
                .map(c -> c.value().getRecordId())
                .collect(java.util.stream.Collectors.toSet())
                .containsAll(ids);
    }

    private void assertPredictions(List<PredictedTemperature> predictions, List<String> ids) {
        Map<String, PredictedTemperature> byId = new HashMap<>();
        for (PredictedTemperature p : predictions) {
            assertThat(byId.put(p.getRecordId(), p))
                    .as("one prediction per record " + p.getRecordId())
                    .isNull();
        }
        assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        List<String> checked = new ArrayList<>();
        for (String id : ids) {
            DataRecord record = expected.get(id);
            PredictedTemperature p = byId.get(id);
            double value = forecast(record);
            assertThat(p.getMachineId()).isEqualTo(record.getKey());
            assertThat(p.getTimestampMillis()).isEqualTo(record.getEventTimeMillis());
            assertThat(p.getModelName()).isEqualTo("forecast");
            assertThat(p.getModelVersion()).isEqualTo(3);
            assertThat(p.getPredictedTemperatureC()).as(id).isCloseTo(value, within(1e-9));
            if (record.getKey().equals("m1")) {
                assertThat(p.getAlertTemperatureC()).isEqualTo(ALERT_C);
                assertThat(p.getProbabilityExceedingAlert())
                        .as(id)
                        .isCloseTo(ExceedanceProbability.of(value, ALERT_C, SIGMA_C), within(1e-9));
            } else {
                assertThat(p.getProbabilityExceedingAlert()).isEqualTo(-1.0);
            }
            checked.add(id);
        }
        assertThat(checked).hasSameSizeAs(ids);
    }
}
