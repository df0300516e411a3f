package dev.modelserving.job.sensor.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FanCurveTest {

    private final FanCurve curve = FanCurve.of(Machines.press("m-1"));

    @Test
    void interpolatesLinearlyBetweenPoints() {
        assertThat(curve.expectedRpm(45)).isEqualTo(1200.0); // halfway between 800 and 1600
        assertThat(curve.expectedRpm(75)).isEqualTo(2100.0); // halfway between 1600 and 2600
        assertThat(curve.expectedRpm(40)).isCloseTo(800 + 800.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void hitsThePointsExactly() {
        assertThat(curve.expectedRpm(30)).isEqualTo(800.0);
        assertThat(curve.expectedRpm(60)).isEqualTo(1600.0);
        assertThat(curve.expectedRpm(90)).isEqualTo(2600.0);
    }

    @Test
    void isConstantOutsideThePoints() {
        assertThat(curve.expectedRpm(-40)).isEqualTo(800.0);
        assertThat(curve.expectedRpm(29.999)).isEqualTo(800.0);
        assertThat(curve.expectedRpm(150)).isEqualTo(2600.0);
        assertThat(curve.expectedRpm(Double.POSITIVE_INFINITY)).isEqualTo(2600.0);
    }

    @Test
    void aSinglePointIsAConstantCurve() {
        FanCurve flat = FanCurve.of(Machines.machine("m", 80, 50, 1000));
        assertThat(flat.expectedRpm(0)).isEqualTo(1000.0);
        assertThat(flat.expectedRpm(50)).isEqualTo(1000.0);
        assertThat(flat.expectedRpm(99)).isEqualTo(1000.0);
    }

    @Test
    void nanTemperatureGivesNan() {
        assertThat(curve.expectedRpm(Double.NaN)).isNaN();
    }

    @Test
    void refusesCurvesTheParserRefuses() {
        assertThatThrownBy(() -> FanCurve.of(Machines.machine("m", 80))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FanCurve.of(Machines.machine("m", 80, 50, 1000, 50, 1200)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FanCurve.of(Machines.machine("m", 80, 50, Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
