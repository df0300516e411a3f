package dev.modelserving.model.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.proto.DataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MachineFeatureStreamTest {

    @Test
    void recordsStartAfterTenReadingsAndTheWarmUp() {
        MachineFeatureStream stream = new MachineFeatureStream(2);
        List<Optional<DataRecord>> records = new ArrayList<>();
        // temperature 50, 51, ... one minute apart: every window of 10 has std sqrt(8.25) and slope 1
        for (int i = 0; i < 13; i++) {
            records.add(stream.accept(SensorWindowFeaturesTest.reading(i * 60_000L, 50 + i, 1000 + 10 * i, 40)));
        }
        // readings 0..8: fewer than 10; readings 9, 10: warm-up; reading 11: first record
        assertThat(records.subList(0, 11)).allMatch(Optional::isEmpty);
        DataRecord record = records.get(11).orElseThrow();
        assertThat(record.getDataType()).isEqualTo("machine-features");
        assertThat(record.getKey()).isEqualTo("m1");
        assertThat(record.getId()).isEqualTo("m1-660000");
        assertThat(record.getEventTimeMillis()).isEqualTo(660_000L);
        assertThat(record.getFeaturesMap().keySet())
                .containsExactlyInAnyOrderElementsOf(MachineFeatureRecords.MODEL_FEATURE_NAMES);
        assertThat(record.getFeaturesMap()).containsEntry("temperature_c", 61.0);
        // previous current temperatures 59, 60: mean 59.5, std 0.5 -> (61 - 59.5) / 0.5 = 3
        assertThat(record.getFeaturesMap().get("temperature_c_z")).isCloseTo(3, within(1e-9));
        // the slope is 1 in every window: std 0 -> whitened 0
        assertThat(record.getFeaturesMap().get("temperature_slope_c_per_min_z")).isCloseTo(0, within(1e-6));
        assertThat(records.get(12)).isPresent();
        assertThat(stream.whitening().count()).isEqualTo(4);
    }

    @Test
    void aNanReadingSuppressesRecordsWhileItIsInTheWindow() {
        MachineFeatureStream stream = new MachineFeatureStream(2);
        List<Boolean> emitted = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            double temperature = i == 12 ? Double.NaN : 50 + 0.1 * i;
            emitted.add(stream.accept(SensorWindowFeaturesTest.reading(i * 60_000L, temperature, 1000, 40))
                    .isPresent());
        }
        // reading 12 (t = 12 min) is in the windows of readings 12..21; reading 22's window starts after it
        assertThat(emitted.subList(12, 22)).containsOnly(false);
        assertThat(emitted.subList(22, 30)).containsOnly(true);
        assertThat(emitted.get(11)).isTrue();
    }
}
