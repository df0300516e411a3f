package dev.modelserving.model.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.proto.SensorReading;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SensorWindowFeaturesTest {

    /** Ten readings one minute apart: temperatures 50..59, rpm 1000..1090, load 40. */
    static List<SensorReading> tenMinutes() {
        List<SensorReading> readings = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            readings.add(reading(i * 60_000L, 50 + i, 1000 + 10 * i, 40));
        }
        return readings;
    }

    static SensorReading reading(long timestamp, double temperature, double rpm, double load) {
        return SensorReading.newBuilder()
                .setMachineId("m1")
                .setTimestampMillis(timestamp)
                .setTemperatureC(temperature)
                .setFanRpm(rpm)
                .setLoadPercent(load)
                .build();
    }

    @Test
    void tenReadingsGiveTheHandComputedFeatures() {
        double[] features = SensorWindowFeatures.compute(tenMinutes()).orElseThrow();

        // current 59 / 1090 / 40; lags 58, 57; mean 54.5; population variance of 50..59 = (10^2 - 1) / 12 = 8.25;
        // min 50, max 59; slope 1 °C per minute; mean rpm 1045; mean load 40.
        assertThat(features)
                .containsExactly(
                        new double[] {59, 1090, 40, 58, 57, 54.5, Math.sqrt(8.25), 50, 59, 1, 1045, 40}, within(1e-12));
        assertThat(SensorWindowFeatures.FEATURE_NAMES).hasSize(features.length);
    }

    @Test
    void readingsTenMinutesOrMoreBeforeTheCurrentOneAreOutsideTheWindow() {
        List<SensorReading> readings = new ArrayList<>();
        // exactly 10 minutes before the last reading (540000): outside; would change every statistic
        readings.add(reading(540_000L - 600_000L, 1000, 9000, 100));
        readings.addAll(tenMinutes());

        double[] features = SensorWindowFeatures.compute(readings).orElseThrow();

        assertThat(features[SensorWindowFeatures.FEATURE_NAMES.indexOf("temperature_mean_c")])
                .isEqualTo(54.5);
        assertThat(features[SensorWindowFeatures.FEATURE_NAMES.indexOf("temperature_max_c")])
                .isEqualTo(59);
    }

    @Test
    void fewerThanTenReadingsInTheWindowHaveNoFeatures() {
        assertThat(SensorWindowFeatures.compute(tenMinutes().subList(1, 10))).isEmpty();

        List<SensorReading> spread = new ArrayList<>(tenMinutes());
        spread.set(0, reading(-60_001L, 50, 1000, 40)); // 10 readings, the first just outside the window
        assertThat(SensorWindowFeatures.compute(spread)).isEmpty();
    }

    @Test
    void anyNonFiniteValueInTheWindowDropsIt() {
        for (int field = 0; field < 3; field++) {
            List<SensorReading> readings = new ArrayList<>(tenMinutes());
            SensorReading.Builder bad = readings.get(3).toBuilder();
            switch (field) {
                case 0 -> bad.setTemperatureC(Double.NaN);
                case 1 -> bad.setFanRpm(Double.POSITIVE_INFINITY);
                default -> bad.setLoadPercent(Double.NEGATIVE_INFINITY);
            }
            readings.set(3, bad.build());
            assertThat(SensorWindowFeatures.compute(readings))
                    .as("field %d", field)
                    .isEmpty();
        }
    }

    @Test
    void slopeFollowsTheTimestampsNotTheIndex() {
        List<SensorReading> readings = new ArrayList<>();
        // 10 readings 30 s apart, temperature rising 1 °C per reading: 2 °C per minute
        for (int i = 0; i < 10; i++) {
            readings.add(reading(i * 30_000L, 20 + i, 500, 10));
        }
        double[] features = SensorWindowFeatures.compute(readings).orElseThrow();
        assertThat(features[SensorWindowFeatures.FEATURE_NAMES.indexOf("temperature_slope_c_per_min")])
                .isCloseTo(2.0, within(1e-12));
    }

    @Test
    void readingsOutOfOrderAreRefused() {
        List<SensorReading> readings = new ArrayList<>(tenMinutes());
        readings.set(5, readings.get(5).toBuilder().setTimestampMillis(500_000L).build());
        assertThatThrownBy(() -> SensorWindowFeatures.compute(readings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event-time order");
    }
}
