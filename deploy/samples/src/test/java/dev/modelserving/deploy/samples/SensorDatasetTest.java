package dev.modelserving.deploy.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.model.sensor.MachineFeatureStream;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.SensorReading;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SensorDatasetTest {

    /** Readings before a machine's first feature record: 9 to fill the window, then the whitening warm-up. */
    private static final int FIRST_RECORD = 9 + SensorDataset.WHITENING_WARM_UP;

    private static SensorReading reading(String machine, long t, double temperature) {
        return SensorReading.newBuilder()
                .setMachineId(machine)
                .setTimestampMillis(t * 1000)
                .setTemperatureC(temperature)
                .setFanRpm(1000 + t)
                .setLoadPercent(50 + t % 3)
                .build();
    }

    @Test
    void examplesAreTheReadingsWithAFeatureRecordPairedWithTheNextTemperatureAndTheAlertWithinTheHorizon() {
        List<SensorReading> readings = new ArrayList<>();
        int count = FIRST_RECORD + 8;
        for (int t = 0; t < count; t++) {
            // 86 at reading FIRST_RECORD + 3
            readings.add(reading("m", t, t == FIRST_RECORD + 3 ? 86 : 80 + 0.01 * t));
        }

        SensorDataset dataset = SensorDataset.of(readings, 2, 85);

        // feature records from reading FIRST_RECORD on; the last two readings lack two later readings
        assertThat(dataset.examples()).hasSize(6);
        assertThat(dataset.examples())
                .extracting(e -> e.reading().getTimestampMillis())
                .containsExactly(
                        FIRST_RECORD * 1000L,
                        (FIRST_RECORD + 1) * 1000L,
                        (FIRST_RECORD + 2) * 1000L,
                        (FIRST_RECORD + 3) * 1000L,
                        (FIRST_RECORD + 4) * 1000L,
                        (FIRST_RECORD + 5) * 1000L);
        assertThat(dataset.examples().get(0).nextTemperatureC()).isEqualTo(80 + 0.01 * (FIRST_RECORD + 1));
        assertThat(dataset.examples().get(2).nextTemperatureC()).isEqualTo(86.0);
        assertThat(dataset.examples())
                .extracting(SensorExample::overheatSoon)
                .containsExactly(false, true, true, false, false, false);
        assertThat(dataset.examples().get(1).label()).isEqualTo("1");
    }

    @Test
    void exampleFeaturesAreTheJobsFeatureRecords() {
        List<SensorReading> readings = new ArrayList<>();
        for (int t = 0; t < FIRST_RECORD + 5; t++) {
            readings.add(reading("m", t, 60 + Math.sin(t)));
        }
        MachineFeatureStream job = new MachineFeatureStream(SensorDataset.WHITENING_WARM_UP);
        List<DataRecord> expected = new ArrayList<>();
        for (SensorReading reading : readings) {
            job.accept(reading).ifPresent(expected::add);
        }

        SensorDataset dataset = SensorDataset.of(readings, 1, 85);

        assertThat(dataset.examples()).extracting(SensorExample::record).isEqualTo(expected.subList(0, 4));
        SensorExample first = dataset.examples().get(0);
        assertThat(first.record().getDataType()).isEqualTo("machine-features");
        assertThat(first.features()).hasSize(MachineFeatureRecords.MODEL_FEATURE_NAMES.size());
        assertThat(first.features()[0]).isEqualTo(first.reading().getTemperatureC());
        assertThat(Optional.of(first.record().getId())).contains("m-" + FIRST_RECORD * 1000L);
    }

    @Test
    void machinesAreSeparateSeriesEvenWhenInterleaved() {
        List<SensorReading> readings = new ArrayList<>();
        for (int t = 0; t < FIRST_RECORD + 4; t++) {
            readings.add(reading("a", t, 50 + 0.1 * t));
            readings.add(reading("b", t, 90));
        }

        SensorDataset dataset = SensorDataset.of(readings, 1, 85);

        assertThat(dataset.examples())
                .extracting(e -> e.reading().getMachineId())
                .containsExactly("a", "a", "a", "b", "b", "b");
        assertThat(dataset.examples().subList(0, 3)).noneMatch(SensorExample::overheatSoon);
        assertThat(dataset.examples().subList(3, 6)).allMatch(SensorExample::overheatSoon);
    }

    @Test
    void splitByMachineHoldsOutWholeMachines() {
        List<SensorReading> readings = new SensorGenerator(GeneratorSettings.of(3, 5)).take(5 * 100);

        DatasetSplit split = SensorDataset.of(readings, 10, 85).splitByMachine(Set.of("machine-05"));

        // per machine: readings FIRST_RECORD..89 have a record and 10 later readings
        assertThat(split.heldOut())
                .hasSize(90 - FIRST_RECORD)
                .allMatch(e -> e.reading().getMachineId().equals("machine-05"));
        assertThat(split.train())
                .hasSize(4 * (90 - FIRST_RECORD))
                .noneMatch(e -> e.reading().getMachineId().equals("machine-05"));
    }

    @Test
    void readingsGoingBackInTimeAreRefused() {
        List<SensorReading> readings = List.of(reading("m", 5, 50), reading("m", 4, 50));

        assertThatThrownBy(() -> SensorDataset.of(readings, 1, 85))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not in time order");
    }
}
