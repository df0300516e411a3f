package dev.modelserving.deploy.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.proto.SensorReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SensorGeneratorTest {

    private static final int MACHINES = 10;
    private static final int TICKS = 3000;

    private static List<GeneratedReading> generate(GeneratorSettings settings, int ticks) {
        return new SensorGenerator(settings).takeGenerated(settings.machines() * ticks);
    }

    @Test
    void sameSeedGivesTheSameReadingsAndAnotherSeedDoesNot() {
        List<SensorReading> first = new SensorGenerator(GeneratorSettings.of(42, 5)).take(5_000);
        List<SensorReading> again = new SensorGenerator(GeneratorSettings.of(42, 5)).take(5_000);
        List<SensorReading> otherSeed = new SensorGenerator(GeneratorSettings.of(43, 5)).take(5_000);

        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
        assertThat(otherSeed.get(0).getTemperatureC()).isNotEqualTo(first.get(0).getTemperatureC());
    }

    @Test
    void machinesKeepTheirBehaviourWhenMoreMachinesAreAdded() {
        List<SensorReading> three = new SensorGenerator(GeneratorSettings.of(42, 3)).take(3 * 200);
        List<SensorReading> five = new SensorGenerator(GeneratorSettings.of(42, 5)).take(5 * 200);

        assertThat(ofMachine(five, "machine-02")).isEqualTo(ofMachine(three, "machine-02"));
    }

    @Test
    void everyMachineReportsOncePerPeriodInRoundRobin() {
        GeneratorSettings settings = GeneratorSettings.of(1, 3).withPeriod(Duration.ofMillis(250));
        List<SensorReading> readings = new SensorGenerator(settings).take(9);

        assertThat(readings)
                .extracting(SensorReading::getMachineId)
                .containsExactly(
                        "machine-01",
                        "machine-02",
                        "machine-03",
                        "machine-01",
                        "machine-02",
                        "machine-03",
                        "machine-01",
                        "machine-02",
                        "machine-03");
        long start = GeneratorSettings.DEFAULT_START.toEpochMilli();
        assertThat(readings)
                .extracting(SensorReading::getTimestampMillis)
                .containsExactly(
                        start,
                        start,
                        start,
                        start + 250,
                        start + 250,
                        start + 250,
                        start + 500,
                        start + 500,
                        start + 500);
    }

    @Test
    void streamAndIteratorGiveTheSameSequence() {
        List<SensorReading> fromStream = new SensorGenerator(GeneratorSettings.of(9, 4))
                .stream().limit(100).toList();

        assertThat(fromStream).isEqualTo(new SensorGenerator(GeneratorSettings.of(9, 4)).take(100));
    }

    @Test
    void valuesStayInRealisticRangesAndCoverThem() {
        List<GeneratedReading> readings = generate(GeneratorSettings.of(42, MACHINES), TICKS);

        double[] temperatures = readings.stream()
                .mapToDouble(r -> r.reading().getTemperatureC())
                .toArray();
        assertThat(Arrays.stream(temperatures).min().orElseThrow()).isBetween(25.0, 45.0);
        assertThat(Arrays.stream(temperatures).max().orElseThrow()).isBetween(85.0, 100.0);
        assertThat(readings).allSatisfy(r -> {
            assertThat(r.reading().getFanRpm()).isBetween(0.0, 4_200.0);
            assertThat(r.reading().getLoadPercent()).isBetween(0.0, 100.0);
        });
        // healthy fans (a fan recovering from a fault may briefly run slower)
        double[] healthyRpm = readings.stream()
                .filter(r -> r.fault() == FanFault.NONE)
                .mapToDouble(r -> r.reading().getFanRpm())
                .sorted()
                .toArray();
        assertThat(healthyRpm[healthyRpm.length / 100]).as("1st percentile").isBetween(750.0, 1_100.0);
        assertThat(healthyRpm[healthyRpm.length - 1]).isBetween(3_200.0, 4_200.0);
        assertThat(readings)
                .filteredOn(r -> r.reading().getLoadPercent() > 80)
                .hasSizeGreaterThan(readings.size() / 50);
    }

    @Test
    void healthyFansFollowTheirOwnMachinesCurveWithLag() {
        SensorGenerator generator = new SensorGenerator(GeneratorSettings.of(42, MACHINES));
        List<GeneratedReading> readings = generator.takeGenerated(MACHINES * TICKS);

        // every machine has its own curve
        double[] at70 =
                generator.profiles().stream().mapToDouble(p -> p.targetRpm(70)).toArray();
        assertThat(Arrays.stream(at70).distinct().count()).isEqualTo(MACHINES);
        assertThat(Arrays.stream(at70).max().orElseThrow()
                        - Arrays.stream(at70).min().orElseThrow())
                .isGreaterThan(300);
        // the curve rises with temperature
        MachineProfile profile = generator.profiles().get(0);
        assertThat(profile.targetRpm(30)).isCloseTo(profile.idleRpm(), within(1e-9));
        assertThat(profile.targetRpm(60)).isGreaterThan(profile.targetRpm(50));
        assertThat(profile.targetRpm(95)).isCloseTo(profile.maxRpm(), within(1e-9));

        List<GeneratedReading> healthy =
                readings.stream().filter(r -> r.fault() == FanFault.NONE).toList();
        double[] gaps = healthy.stream()
                .mapToDouble(r -> Math.abs(r.reading().getFanRpm() - r.curveRpm()))
                .sorted()
                .toArray();
        assertThat(gaps[gaps.length / 2]).as("median |rpm - curve|").isLessThan(120);
        assertThat(gaps[gaps.length / 2])
                .as("noise and lag keep rpm off the exact curve")
                .isGreaterThan(5);
        assertThat(correlation(
                        healthy.stream()
                                .mapToDouble(r -> r.reading().getFanRpm())
                                .toArray(),
                        healthy.stream().mapToDouble(GeneratedReading::curveRpm).toArray()))
                .isGreaterThan(0.95);
    }

    @Test
    void withoutFaultsMachinesNeverReachTheAlertTemperature() {
        List<GeneratedReading> readings =
                generate(GeneratorSettings.of(42, MACHINES).withFaultProbability(0), TICKS);

        assertThat(readings).allSatisfy(r -> assertThat(r.fault()).isEqualTo(FanFault.NONE));
        assertThat(readings.stream()
                        .mapToDouble(r -> r.reading().getTemperatureC())
                        .max()
                        .orElseThrow())
                .isLessThan(80);
    }

    @Test
    void fanFaultsMakeTheTemperatureClimb() {
        List<GeneratedReading> readings = generate(GeneratorSettings.of(42, MACHINES), TICKS);
        Map<String, List<GeneratedReading>> byMachine = readings.stream()
                .collect(Collectors.groupingBy(r -> r.reading().getMachineId(), HashMap::new, Collectors.toList()));

        List<Double> stallRises = new ArrayList<>();
        int hot = 0;
        for (List<GeneratedReading> series : byMachine.values()) {
            int lastFault = -1_000;
            int faultStart = -1;
            for (int i = 0; i < series.size(); i++) {
                GeneratedReading r = series.get(i);
                if (r.fault() != FanFault.NONE) {
                    lastFault = i;
                    if (faultStart < 0) {
                        faultStart = i;
                    }
                } else if (faultStart >= 0) {
                    if (series.get(i - 1).fault() == FanFault.STALLED) {
                        stallRises.add(series.get(i - 1).trueTemperatureC()
                                - series.get(faultStart).trueTemperatureC());
                    }
                    faultStart = -1;
                }
                if (r.reading().getTemperatureC() >= 85) {
                    hot++;
                    assertThat(i - lastFault)
                            .as(
                                    "reading %d of %s at %.2f °C comes after a fan fault",
                                    i, r.reading().getMachineId(), r.reading().getTemperatureC())
                            .isLessThan(60);
                }
            }
        }
        assertThat(hot).as("readings at or above 85 °C").isGreaterThan(readings.size() / 100);
        assertThat(stallRises).hasSizeGreaterThanOrEqualTo(3);
        assertThat(stallRises.stream()
                        .mapToDouble(Double::doubleValue)
                        .average()
                        .orElseThrow())
                .as("mean temperature rise over a fan stall")
                .isGreaterThan(15);
    }

    @Test
    void settingsRefuseNonsense() {
        assertThatThrownBy(() -> GeneratorSettings.of(1, 0)).hasMessageContaining("machines");
        assertThatThrownBy(() -> GeneratorSettings.of(1, 2).withPeriod(Duration.ZERO))
                .hasMessageContaining("period");
        assertThatThrownBy(() -> GeneratorSettings.of(1, 2).withFaultProbability(1.5))
                .hasMessageContaining("faultProbability");
    }

    private static List<SensorReading> ofMachine(List<SensorReading> readings, String machineId) {
        return readings.stream().filter(r -> r.getMachineId().equals(machineId)).toList();
    }

    private static double correlation(double[] a, double[] b) {
        double meanA = Arrays.stream(a).average().orElseThrow();
        double meanB = Arrays.stream(b).average().orElseThrow();
        double cov = 0;
        double varA = 0;
        double varB = 0;
        for (int i = 0; i < a.length; i++) {
            cov += (a[i] - meanA) * (b[i] - meanB);
            varA += (a[i] - meanA) * (a[i] - meanA);
            varB += (b[i] - meanB) * (b[i] - meanB);
        }
        return cov / Math.sqrt(varA * varB);
    }
}
