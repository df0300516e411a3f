package dev.modelserving.model.serving;

import dev.modelserving.proto.ModelStats;

/**
 * Serving statistics of one model version on one serving instance: records answered, scored and failed, and the
 * scoring latency (min, mean, max, p50, p99). Cumulative since {@link #sinceMillis()} (the version's activation on
 * this instance, or the instance's start after a restore: statistics are not part of Flink state), so a reader of
 * the stats stream keeps the latest snapshot per instance and sums across instances.
 *
 * <p>Memory is bounded whatever the number of records: percentiles come from a log-bucket histogram with
 * {@value #SUB_BUCKETS} buckets per power of two (a percentile is reported as its bucket's upper bound, clamped to
 * the observed min and max, so it is at most 1/{@value #SUB_BUCKETS} above the true value), not from a list of
 * latencies. Not thread-safe: the slot's thread records and snapshots.
 */
public final class ServingStats {

    /** Buckets per power of two. */
    static final int SUB_BUCKETS = 8;

    private static final int SUB_BITS = 3;
    private static final int BUCKETS = 64 * SUB_BUCKETS;

    private final String dataType;
    private final String modelName;
    private final long modelVersion;
    private final String modelSha256;
    private final long servingSinceMillis;
    private final long sinceMillis;
    private final long[] histogram = new long[BUCKETS];
    private long scored;
    private long failed;
    private long min = Long.MAX_VALUE;
    private long max;
    private double sum;

    /**
     * @param servingSinceMillis when the version became current on this instance
     * @param sinceMillis when counting started (equal to {@code servingSinceMillis} unless restored)
     */
    public ServingStats(
            String dataType,
            String modelName,
            long modelVersion,
            String modelSha256,
            long servingSinceMillis,
            long sinceMillis) {
        this.dataType = dataType;
        this.modelName = modelName;
        this.modelVersion = modelVersion;
        this.modelSha256 = modelSha256;
        this.servingSinceMillis = servingSinceMillis;
        this.sinceMillis = sinceMillis;
    }

    public String modelName() {
        return modelName;
    }

    public long modelVersion() {
        return modelVersion;
    }

    public long sinceMillis() {
        return sinceMillis;
    }

    /** A record scored in {@code latencyNanos} (negative values count as 0). */
    public void scored(long latencyNanos) {
        long nanos = Math.max(0, latencyNanos);
        scored++;
        sum += nanos;
        min = Math.min(min, nanos);
        max = Math.max(max, nanos);
        histogram[bucket(nanos)]++;
    }

    /** A record answered FAILED while this version was current (its latency is not part of the distribution). */
    public void failed() {
        failed++;
    }

    /** Records answered (scored + failed). */
    public long records() {
        return scored + failed;
    }

    /**
     * The snapshot to emit.
     *
     * @param nowMillis when it is taken
     * @param emittedBy the serving instance
     * @param serving whether the version serves on this instance now
     */
    public ModelStats snapshot(long nowMillis, String emittedBy, boolean serving) {
        return ModelStats.newBuilder()
                .setDataType(dataType)
                .setModelName(modelName)
                .setModelVersion(modelVersion)
                .setModelSha256(modelSha256)
                .setServingSinceMillis(servingSinceMillis)
                .setRecords(records())
                .setScored(scored)
                .setFailed(failed)
                .setLatencyMinNanos(scored == 0 ? 0 : min)
                .setLatencyMeanNanos(scored == 0 ? 0 : sum / scored)
                .setLatencyMaxNanos(max)
                .setLatencyP50Nanos(percentile(0.50))
                .setLatencyP99Nanos(percentile(0.99))
                .setStatsSinceMillis(sinceMillis)
                .setStatsUntilMillis(nowMillis)
                .setEmittedBy(emittedBy)
                .setServing(serving)
                .build();
    }

    /** The latency at quantile {@code q} (0 &lt; q &le; 1): the upper bound of its bucket, within [min, max]. */
    long percentile(double q) {
        if (scored == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * scored);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += histogram[i];
            if (seen >= rank) {
                return Math.max(min, Math.min(max, upperBound(i)));
            }
        }
        return max;
    }

    /**
     * Values below {@value #SUB_BUCKETS} have a bucket each; above, a power of two [2^e, 2^(e+1)) is split into
     * {@value #SUB_BUCKETS} equal buckets.
     */
    static int bucket(long value) {
        if (value < SUB_BUCKETS) {
            return (int) value;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(value);
        int sub = (int) ((value >>> (exponent - SUB_BITS)) & (SUB_BUCKETS - 1));
        return (exponent - SUB_BITS + 1) * SUB_BUCKETS + sub;
    }

    /** The largest value of a bucket. */
    static long upperBound(int bucket) {
        if (bucket < SUB_BUCKETS) {
            return bucket;
        }
        int exponent = bucket / SUB_BUCKETS + SUB_BITS - 1;
        long sub = bucket % SUB_BUCKETS;
        long width = 1L << (exponent - SUB_BITS);
        long lower = (1L << exponent) + sub * width;
        return lower + width - 1 < 0 ? Long.MAX_VALUE : lower + width - 1;
    }
}
