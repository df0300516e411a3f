package dev.modelserving.deploy.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.drift.DriftChange;
import dev.modelserving.model.drift.DriftMonitor;
import dev.modelserving.model.drift.DriftSettings;
import dev.modelserving.model.records.SensorRecords;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.SensorReading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sample models carry training statistics and their drift threshold; the demo's undrifted sensor data stays below
 * it on their inputs over 20 windows, and the demo's drifted regime of every machine crosses it for the shifted
 * features only.
 */
class SampleDriftTest {

    private static final int WINDOW = DriftSettings.DEFAULT_WINDOW_RECORDS;

    private static List<String> drifted(ModelDescriptor model, SensorGenerator generator, int windows) {
        DriftMonitor monitor = DriftMonitor.of(model, DriftSettings.defaults()).orElseThrow();
        List<String> changes = new ArrayList<>();
        for (int i = 0; i < windows * WINDOW; i++) {
            SensorReading reading = generator.next();
            for (DriftChange change : monitor.observe(SensorRecords.toRecord(reading), null)) {
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
            assertThat(d.getTrainingStatistics().getFeaturesList()).hasSize(3);
            assertThat(d.getTrainingStatistics().hasOutput()).isTrue();
        });
        for (ModelDescriptor model : forecasts) {
            SensorGenerator generator = new SensorGenerator(
                    GeneratorSettings.of(SampleModels.SEED, 10).withStart(Instant.parse("2026-06-01T00:00:00Z")));
            assertThat(drifted(model, generator, 20))
                    .as("undrifted, v%d", model.getVersion())
                    .isEmpty();
            assertThat(model.getDriftThreshold()).isEqualTo(SampleModels.DRIFT_THRESHOLD);
            for (int i = 0; i < 10; i++) {
                generator.drift(i, SampleModels.DRIFT_REGIME_TEMPERATURE_C, SampleModels.DRIFT_REGIME_LOAD_PERCENT);
            }
            assertThat(drifted(model, generator, 5))
                    .as("drifted, v%d", model.getVersion())
                    .containsExactlyInAnyOrder("+temperature_c", "+load_percent");
        }
    }
}
