package dev.modelserving.deploy.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.proto.SensorReading;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SensorDatasetTest {

    private static SensorReading reading(String machine, long t, double temperature) {
        return SensorReading.newBuilder()
                .setMachineId(machine)
                .setTimestampMillis(t)
                .setTemperatureC(temperature)
                .setFanRpm(1000 + t)
                .setLoadPercent(50)
                .build();
    }

    @Test
    void examplesPairEachReadingWithTheNextTemperatureAndTheAlertWithinTheHorizon() {
        double[] temperatures = {80, 82, 84, 86, 83, 81, 79, 78};
        List<SensorReading> readings = new ArrayList<>();
        for (int t = 0; t < temperatures.length; t++) {
            readings.add(reading("m", t, temperatures[t]));
        }

        SensorDataset dataset = SensorDataset.of(readings, 2, 85);

        // readings 0..5 have two later readings
        assertThat(dataset.examples()).hasSize(6);
        assertThat(dataset.examples())
                .extracting(SensorExample::nextTemperatureC)
                .containsExactly(82.0, 84.0, 86.0, 83.0, 81.0, 79.0);
        // 86 is reading 3: readings 1 and 2 see it within two readings, reading 0 and reading 3 itself do not
        assertThat(dataset.examples())
                .extracting(SensorExample::overheatSoon)
                .containsExactly(false, true, true, false, false, false);
        assertThat(dataset.examples().get(1).label()).isEqualTo("1");
        assertThat(dataset.examples().get(0).features()).containsExactly(80.0, 1000.0, 50.0);
    }

    @Test
    void machinesAreSeparateSeriesEvenWhenInterleaved() {
        List<SensorReading> readings = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            readings.add(reading("a", t, 50 + t));
            readings.add(reading("b", t, 90));
        }

        SensorDataset dataset = SensorDataset.of(readings, 1, 85);

        assertThat(dataset.examples())
                .extracting(e -> e.reading().getMachineId())
                .containsExactly("a", "a", "a", "b", "b", "b");
        assertThat(dataset.examples().subList(0, 3))
                .extracting(SensorExample::nextTemperatureC)
                .containsExactly(51.0, 52.0, 53.0);
        assertThat(dataset.examples().subList(0, 3)).noneMatch(SensorExample::overheatSoon);
        assertThat(dataset.examples().subList(3, 6)).allMatch(SensorExample::overheatSoon);
    }

    @Test
    void splitByMachineHoldsOutWholeMachines() {
        List<SensorReading> readings = new SensorGenerator(GeneratorSettings.of(3, 5)).take(5 * 100);

        DatasetSplit split = SensorDataset.of(readings, 10, 85).splitByMachine(Set.of("machine-05"));

        assertThat(split.heldOut())
                .hasSize(90)
                .allMatch(e -> e.reading().getMachineId().equals("machine-05"));
        assertThat(split.train())
                .hasSize(4 * 90)
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
