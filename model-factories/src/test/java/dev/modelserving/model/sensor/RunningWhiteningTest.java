package dev.modelserving.model.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.proto.FeatureWhiteningState;
import org.junit.jupiter.api.Test;

class RunningWhiteningTest {

    @Test
    void whitensWithTheStatisticsOfThePreviousVectorsAfterWarmUp() {
        RunningWhitening whitening = new RunningWhitening(2, 2);

        assertThat(whitening.whitenThenAdd(new double[] {1, 10})).isEmpty();
        assertThat(whitening.whitenThenAdd(new double[] {3, 10})).isEmpty();
        // previous: feature 0 {1, 3} mean 2 std 1; feature 1 {10, 10} mean 10 std 0 -> EPSILON
        assertThat(whitening.whitenThenAdd(new double[] {5, 10.5}).orElseThrow())
                .containsExactly(new double[] {3, 0.5 / RunningWhitening.EPSILON}, within(1e-6));
        // previous: feature 0 {1, 3, 5} mean 3, variance 8/3
        assertThat(whitening.whitenThenAdd(new double[] {7, 10}).orElseThrow()[0])
                .isCloseTo(4 / Math.sqrt(8.0 / 3), within(1e-12));
        assertThat(whitening.count()).isEqualTo(4);
        assertThat(whitening.mean(0)).isCloseTo(4, within(1e-12));
        assertThat(whitening.std(0)).isCloseTo(Math.sqrt(5), within(1e-12)); // {1,3,5,7}: variance 20/4
    }

    @Test
    void stateRoundTripGivesTheSameWhitening() {
        RunningWhitening original = new RunningWhitening(1, 2);
        for (double x : new double[] {2, 4, 9}) {
            original.whitenThenAdd(new double[] {x});
        }
        FeatureWhiteningState state = original.state();
        assertThat(state.getCount()).isEqualTo(3);
        assertThat(state.getMean(0)).isCloseTo(5, within(1e-12));
        assertThat(state.getM2(0)).isCloseTo(9 + 1 + 16, within(1e-12));

        RunningWhitening restored = RunningWhitening.restore(state, 1, 2);
        double expected = original.whitenThenAdd(new double[] {6}).orElseThrow()[0];
        assertThat(restored.whitenThenAdd(new double[] {6}).orElseThrow()[0]).isEqualTo(expected);
        assertThat(expected).isCloseTo(1 / Math.sqrt(26.0 / 3), within(1e-12));
    }

    @Test
    void emptyStateRestoresEmptyStatistics() {
        RunningWhitening restored = RunningWhitening.restore(FeatureWhiteningState.getDefaultInstance(), 3, 2);
        assertThat(restored.count()).isZero();
        assertThat(restored.state().getMeanCount()).isEqualTo(3);
    }

    @Test
    void corruptStateAndBadVectorsAreRefused() {
        FeatureWhiteningState wrongSize = FeatureWhiteningState.newBuilder()
                .setCount(1)
                .addMean(1)
                .addM2(0)
                .build();
        assertThatThrownBy(() -> RunningWhitening.restore(wrongSize, 2, 2))
                .isInstanceOf(IllegalArgumentException.class);
        FeatureWhiteningState negative = FeatureWhiteningState.newBuilder()
                .setCount(1)
                .addMean(1)
                .addM2(-1)
                .build();
        assertThatThrownBy(() -> RunningWhitening.restore(negative, 1, 2)).isInstanceOf(IllegalArgumentException.class);

        RunningWhitening whitening = new RunningWhitening(1, 2);
        assertThatThrownBy(() -> whitening.whitenThenAdd(new double[] {Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> whitening.whitenThenAdd(new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(whitening.count()).isZero();
    }
}
