package dev.modelserving.deploy.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.drift.DriftChange;
import dev.modelserving.model.drift.DriftMonitor;
import dev.modelserving.model.drift.DriftSettings;
import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.model.sensor.MachineFeatureStream;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.SensorReading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The sample models carry training statistics and their drift threshold; the demo's undrifted sensor data stays below
 * it over 20 windows on every input but the window extremes, and the demo's drifted regime of every machine crosses it
 * on the raw temperature.
 */
class SampleDriftTest {

    private static final int WINDOW = DriftSettings.DEFAULT_WINDOW_RECORDS;

    private static List<String> drifted(
            ModelDescriptor model, SensorGenerator generator, Map<String, MachineFeatureStream> features, int windows) {
        DriftMonitor monitor = DriftMonitor.of(model, DriftSettings.defaults()).orElseThrow();
        List<String> changes = new ArrayList<>();
        int observed = 0;
        while (observed < windows * WINDOW) {
            SensorReading reading = generator.next();
            Optional<DataRecord> record = features.computeIfAbsent(
                            reading.getMachineId(), id -> new MachineFeatureStream(SensorDataset.WHITENING_WARM_UP))
                    .accept(reading);
            if (record.isEmpty()) {
                continue;
            }
            observed++;
            for (DriftChange change : monitor.observe(record.get(), null)) {
                changes.add((change.drifted() ? "+" : "-") + change.feature());
            }
        }
        return changes;
    }

    @Test
    void theDemoDataDriftsOnlyInTheDriftedRegime() {
        List<ModelDescriptor> forecasts = SampleModels.descriptors().stream()
                .filter(d -> d.getName().equals(SampleModels.TEMPERATURE_FORECAST))
                .toList();
        assertThat(forecasts).hasSize(2).allSatisfy(d -> {
            assertThat(d.getTrainingStatistics().getFeaturesList())
                    .hasSize(MachineFeatureRecords.MODEL_FEATURE_NAMES.size());
            assertThat(d.getTrainingStatistics().hasOutput()).isTrue();
        });
        for (ModelDescriptor model : forecasts) {
            Map<String, MachineFeatureStream> features = new HashMap<>();
            SensorGenerator generator = new SensorGenerator(
                    GeneratorSettings.of(SampleModels.SEED, 10).withStart(Instant.parse("2026-06-01T00:00:00Z")));
            // Whitened window features of undrifted data (std, min, max, mean load) cross the threshold now and then:
            // per-machine whitening of autocorrelated window statistics is heavy-tailed. The raw temperature does not.
            assertThat(drifted(model, generator, features, 20))
                    .as("undrifted, v%d", model.getVersion())
                    .doesNotContain("+temperature_c");
            assertThat(model.getDriftThreshold()).isEqualTo(SampleModels.DRIFT_THRESHOLD);
            for (int i = 0; i < 10; i++) {
                generator.drift(i, SampleModels.DRIFT_REGIME_TEMPERATURE_C, SampleModels.DRIFT_REGIME_LOAD_PERCENT);
            }
            assertThat(drifted(model, generator, features, 5))
                    .as("drifted, v%d", model.getVersion())
                    .contains("+temperature_c");
        }
    }
}
