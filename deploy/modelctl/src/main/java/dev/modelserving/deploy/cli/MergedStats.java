package dev.modelserving.deploy.cli;

import dev.modelserving.proto.FeatureDrift;
import dev.modelserving.proto.ModelStats;
import java.util.Collection;
import java.util.Optional;

/**
 * The serving statistics of one model version of one data type, merged across the serving instances that report
 * it (each instance's latest {@link ModelStats}, which is cumulative): counts summed, min of the minimums, max of the
 * maximums, mean weighted by the records scored. The percentiles are the largest of the instances' percentiles, an
 * upper bound of the true percentile of all records (exact with one instance), since histograms are not shipped.
 *
 * @param servingSinceMillis earliest serving_since_millis of the instances
 * @param serving whether any instance reported the version as serving in its latest snapshot
 * @param maxDrift the feature with the largest PSI across instances, if any instance reported drift
 * @param instances how many instances reported it
 */
record MergedStats(
        String dataType,
        String modelName,
        long modelVersion,
        String modelSha256,
        long servingSinceMillis,
        long records,
        long scored,
        long failed,
        long latencyMinNanos,
        double latencyMeanNanos,
        long latencyMaxNanos,
        long latencyP50Nanos,
        long latencyP99Nanos,
        long statsUntilMillis,
        boolean serving,
        Optional<FeatureDrift> maxDrift,
        int instances) {

    /** Merges the latest snapshots of one version, one per instance (not empty, all of the same version). */
    static MergedStats merge(Collection<ModelStats> latestPerInstance) {
        if (latestPerInstance.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        ModelStats first = latestPerInstance.iterator().next();
        String sha = "";
        long since = Long.MAX_VALUE;
        long records = 0;
        long scored = 0;
        long failed = 0;
        long min = Long.MAX_VALUE;
        double weightedSum = 0;
        long max = 0;
        long p50 = 0;
        long p99 = 0;
        long until = 0;
        boolean serving = false;
        FeatureDrift drift = null;
        for (ModelStats s : latestPerInstance) {
            if (!s.getDataType().equals(first.getDataType())
                    || !s.getModelName().equals(first.getModelName())
                    || s.getModelVersion() != first.getModelVersion()) {
                throw new IllegalArgumentException("stats of different versions: " + first.getModelName() + "@"
                        + first.getModelVersion() + " and " + s.getModelName() + "@" + s.getModelVersion());
            }
            if (sha.isEmpty()) {
                sha = s.getModelSha256();
            }
            since = Math.min(since, s.getServingSinceMillis());
            records += s.getRecords();
            scored += s.getScored();
            failed += s.getFailed();
            if (s.getScored() > 0) {
                min = Math.min(min, s.getLatencyMinNanos());
                weightedSum += s.getLatencyMeanNanos() * s.getScored();
            }
            max = Math.max(max, s.getLatencyMaxNanos());
            p50 = Math.max(p50, s.getLatencyP50Nanos());
            p99 = Math.max(p99, s.getLatencyP99Nanos());
            until = Math.max(until, s.getStatsUntilMillis());
            serving |= s.getServing();
            for (FeatureDrift d : s.getDriftList()) {
                if (drift == null || d.getPsi() > drift.getPsi()) {
                    drift = d;
                }
            }
        }
        return new MergedStats(
                first.getDataType(),
                first.getModelName(),
                first.getModelVersion(),
                sha,
                since,
                records,
                scored,
                failed,
                scored == 0 ? 0 : min,
                scored == 0 ? 0 : weightedSum / scored,
                max,
                p50,
                p99,
                until,
                serving,
                Optional.ofNullable(drift),
                latestPerInstance.size());
    }
}
