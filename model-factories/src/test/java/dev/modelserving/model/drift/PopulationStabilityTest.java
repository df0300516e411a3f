package dev.modelserving.model.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class PopulationStabilityTest {

    @Test
    void identicalDistributionsHaveNoDrift() {
        assertThat(PopulationStability.psi(new long[] {50, 50}, 100, List.of(0.5, 0.5)))
                .isZero();
    }

    @Test
    void psiMatchesTheHandComputedValue() {
        // (0.8-0.5)ln(0.8/0.5) + (0.2-0.5)ln(0.2/0.5) = 0.141001 + 0.274887
        assertThat(PopulationStability.psi(new long[] {80, 20}, 100, List.of(0.5, 0.5)))
                .isCloseTo(0.4158883083, within(1e-9));
        // (0.25-0.5)ln(0.5) + 0 + (0.5-0.25)ln(2) = 2 * 0.25 ln 2
        assertThat(PopulationStability.psi(new long[] {1, 1, 2}, 4, List.of(0.5, 0.25, 0.25)))
                .isCloseTo(0.5 * Math.log(2), within(1e-12));
    }

    @Test
    void anEmptyBinCountsAsEpsilon() {
        // (1-0.5)ln(2) + (1e-4-0.5)ln(1e-4/0.5)
        assertThat(PopulationStability.psi(new long[] {100, 0}, 100, List.of(0.5, 0.5)))
                .isCloseTo(4.6043184667, within(1e-9));
    }

    @Test
    void noValuesNoDrift() {
        assertThat(PopulationStability.psi(new long[] {0, 0}, 0, List.of(0.5, 0.5)))
                .isZero();
    }

    @Test
    void binsAreBoundedAboveByTheirCutPoint() {
        double[] cuts = {1.0, 2.0, 3.0};
        assertThat(PopulationStability.bin(cuts, 0.5)).isZero();
        assertThat(PopulationStability.bin(cuts, 1.0)).isZero();
        assertThat(PopulationStability.bin(cuts, 1.5)).isEqualTo(1);
        assertThat(PopulationStability.bin(cuts, 3.0)).isEqualTo(2);
        assertThat(PopulationStability.bin(cuts, 9.0)).isEqualTo(3);
    }
}
