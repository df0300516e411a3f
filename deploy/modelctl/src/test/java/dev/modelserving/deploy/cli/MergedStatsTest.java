package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.proto.FeatureDrift;
import dev.modelserving.proto.ModelStats;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergedStatsTest {

    static ModelStats stats(
            String emitter, long until, long scored, long failed, long min, double mean, long max, long p50, long p99) {
        return ModelStats.newBuilder()
                .setDataType("wine")
                .setModelName("tree")
                .setModelVersion(2)
                .setModelSha256("abcdef0123456789")
                .setServingSinceMillis(until - 500)
                .setRecords(scored + failed)
                .setScored(scored)
                .setFailed(failed)
                .setLatencyMinNanos(min)
                .setLatencyMeanNanos(mean)
                .setLatencyMaxNanos(max)
                .setLatencyP50Nanos(p50)
                .setLatencyP99Nanos(p99)
                .setStatsSinceMillis(until - 500)
                .setStatsUntilMillis(until)
                .setEmittedBy(emitter)
                .setServing(true)
                .build();
    }

    @Test
    void countsAreSummedExtremesCombinedAndTheMeanWeightedByRecordsScored() {
        MergedStats merged = MergedStats.merge(List.of(
                stats("s#0", 1000, 30, 1, 2_000, 10_000, 90_000, 9_000, 80_000),
                stats("s#1", 1200, 10, 4, 1_000, 30_000, 50_000, 20_000, 45_000).toBuilder()
                        .addDrift(
                                FeatureDrift.newBuilder().setFeature("alcohol").setPsi(0.4))
                        .addDrift(FeatureDrift.newBuilder().setFeature("ph").setPsi(0.1))
                        .build(),
                stats("s#2", 1100, 0, 0, 0, 0, 0, 0, 0).toBuilder()
                        .setServing(false)
                        .build()));
        assertThat(merged.records()).isEqualTo(45);
        assertThat(merged.scored()).isEqualTo(40);
        assertThat(merged.failed()).isEqualTo(5);
        assertThat(merged.latencyMinNanos())
                .as("an instance without records has no minimum")
                .isEqualTo(1_000);
        assertThat(merged.latencyMaxNanos()).isEqualTo(90_000);
        assertThat(merged.latencyMeanNanos()).isEqualTo((30 * 10_000.0 + 10 * 30_000.0) / 40);
        assertThat(merged.latencyP50Nanos()).isEqualTo(20_000);
        assertThat(merged.latencyP99Nanos()).as("upper bound: the largest p99").isEqualTo(80_000);
        assertThat(merged.servingSinceMillis()).isEqualTo(500);
        assertThat(merged.statsUntilMillis()).isEqualTo(1200);
        assertThat(merged.serving()).isTrue();
        assertThat(merged.instances()).isEqualTo(3);
        assertThat(merged.maxDrift())
                .hasValueSatisfying(d -> assertThat(d.getFeature()).isEqualTo("alcohol"));
    }

    @Test
    void summarizeKeepsTheLatestSnapshotPerInstanceWithinTheWindow() {
        List<ModelStats> read = List.of(
                stats("s#0", 1000, 5, 0, 1, 1, 1, 1, 1),
                stats("s#0", 3000, 50, 2, 1, 1, 1, 1, 1),
                stats("s#1", 2500, 7, 1, 1, 1, 1, 1, 1),
                stats("s#9", 100, 1000, 1000, 1, 1, 1, 1, 1),
                stats("s#0", 3000, 4, 0, 1, 1, 1, 1, 1).toBuilder()
                        .setModelVersion(1)
                        .setServing(false)
                        .build());
        List<MergedStats> rows = StatusCommand.summarize(read, 500);
        assertThat(rows)
                .extracting(MergedStats::modelVersion, MergedStats::records, MergedStats::instances)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(2L, 60L, 2),
                        org.assertj.core.groups.Tuple.tuple(1L, 4L, 1));
    }

    @Test
    void differentVersionsAreNotMerged() {
        assertThatThrownBy(() -> MergedStats.merge(List.of(
                        stats("a", 1, 1, 0, 1, 1, 1, 1, 1),
                        stats("b", 1, 1, 0, 1, 1, 1, 1, 1).toBuilder()
                                .setModelVersion(3)
                                .build())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
