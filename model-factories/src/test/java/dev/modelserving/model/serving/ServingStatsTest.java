package dev.modelserving.model.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.proto.ModelStats;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ServingStatsTest {

    private static ServingStats stats() {
        return new ServingStats("wine", "tree", 3, "abc", 1000, 1500);
    }

    @Test
    void countsAndLatenciesOfAVersion() {
        ServingStats stats = stats();
        for (long nanos = 1; nanos <= 100; nanos++) {
            stats.scored(nanos * 1000);
        }
        stats.failed();
        stats.failed();
        ModelStats snapshot = stats.snapshot(9000, "serving#0", true);
        assertThat(snapshot.getDataType()).isEqualTo("wine");
        assertThat(snapshot.getModelName()).isEqualTo("tree");
        assertThat(snapshot.getModelVersion()).isEqualTo(3);
        assertThat(snapshot.getModelSha256()).isEqualTo("abc");
        assertThat(snapshot.getServingSinceMillis()).isEqualTo(1000);
        assertThat(snapshot.getStatsSinceMillis()).isEqualTo(1500);
        assertThat(snapshot.getStatsUntilMillis()).isEqualTo(9000);
        assertThat(snapshot.getEmittedBy()).isEqualTo("serving#0");
        assertThat(snapshot.getServing()).isTrue();
        assertThat(snapshot.getRecords()).isEqualTo(102);
        assertThat(snapshot.getScored()).isEqualTo(100);
        assertThat(snapshot.getFailed()).isEqualTo(2);
        assertThat(snapshot.getLatencyMinNanos()).isEqualTo(1000);
        assertThat(snapshot.getLatencyMaxNanos()).isEqualTo(100_000);
        assertThat(snapshot.getLatencyMeanNanos()).isEqualTo(50_500.0);
        assertThat(snapshot.getLatencyP50Nanos()).isBetween(50_000L, 50_000L + 50_000L / 8);
        assertThat(snapshot.getLatencyP99Nanos()).isBetween(99_000L, 100_000L);
        assertThat(snapshot.getDriftList())
                .as("no drift data from the stats alone")
                .isEmpty();
    }

    @Test
    void noRecordsGiveZeroesNotExtremes() {
        ModelStats snapshot = stats().snapshot(2000, "s", false);
        assertThat(snapshot.getRecords()).isZero();
        assertThat(snapshot.getLatencyMinNanos()).isZero();
        assertThat(snapshot.getLatencyMaxNanos()).isZero();
        assertThat(snapshot.getLatencyP99Nanos()).isZero();
        assertThat(snapshot.getLatencyMeanNanos()).isZero();
        assertThat(snapshot.getServing()).isFalse();
    }

    @Test
    void percentilesStayWithinAnEighthOfTheExactValueOverManyMagnitudes() {
        Random random = new Random(42);
        ServingStats stats = stats();
        long[] values = new long[100_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (long) Math.exp(random.nextDouble() * 25); // 1 ns .. ~72 s
            stats.scored(values[i]);
        }
        java.util.Arrays.sort(values);
        for (double q : new double[] {0.5, 0.9, 0.99, 0.999}) {
            long exact = values[(int) Math.ceil(q * values.length) - 1];
            assertThat(stats.percentile(q)).as("p" + q).isBetween(exact, exact + exact / ServingStats.SUB_BUCKETS);
        }
        assertThat(stats.percentile(1.0)).isEqualTo(values[values.length - 1]);
    }

    @Test
    void bucketsCoverEveryLongAndBoundTheirValues() {
        long[] probes = {0, 1, 7, 8, 9, 15, 16, 17, 1000, 123_456_789, Long.MAX_VALUE / 3, Long.MAX_VALUE};
        for (long value : probes) {
            int bucket = ServingStats.bucket(value);
            assertThat(ServingStats.upperBound(bucket))
                    .as("upper bound of " + value)
                    .isGreaterThanOrEqualTo(value);
            if (bucket > 0) {
                assertThat(ServingStats.upperBound(bucket - 1))
                        .as("previous bucket of " + value)
                        .isLessThan(value);
            }
        }
        assertThat(ServingStats.bucket(Long.MAX_VALUE)).isLessThan(64 * ServingStats.SUB_BUCKETS);
    }

    @Test
    void negativeLatenciesCountAsZero() {
        ServingStats stats = stats();
        stats.scored(-5);
        assertThat(stats.snapshot(1, "s", true).getLatencyMinNanos()).isZero();
    }
}
