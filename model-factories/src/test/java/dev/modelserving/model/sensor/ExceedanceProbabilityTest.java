package dev.modelserving.model.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ExceedanceProbabilityTest {

    @Test
    void matchesTheNormalTableAtKnownPoints() {
        // predicted at the alert temperature: one half
        assertThat(ExceedanceProbability.of(85, 85, 2)).isCloseTo(0.5, within(1e-7));
        // alert one sigma above the prediction: 1 - Phi(1) = 0.158655
        assertThat(ExceedanceProbability.of(83, 85, 2)).isCloseTo(0.1586553, within(1e-6));
        // alert 1.96 sigma below the prediction: Phi(1.96) = 0.975002
        assertThat(ExceedanceProbability.of(85 + 1.96 * 0.5, 85, 0.5)).isCloseTo(0.9750021, within(1e-6));
        // far below: practically 0
        assertThat(ExceedanceProbability.of(40, 85, 1)).isBetween(0.0, 1e-12);
    }

    @Test
    void refusesNonPositiveSigmaAndNonFiniteValues() {
        assertThatThrownBy(() -> ExceedanceProbability.of(80, 85, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExceedanceProbability.of(Double.NaN, 85, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
