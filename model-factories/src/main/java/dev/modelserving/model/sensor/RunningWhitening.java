package dev.modelserving.model.sensor;

import dev.modelserving.proto.FeatureWhiteningState;
import java.util.Arrays;
import java.util.Optional;

/**
 * Per-feature running whitening of one machine's feature vectors: each feature becomes
 * {@code (x - mean) / max(std, EPSILON)}, with the mean and population standard deviation of the vectors seen
 * before, kept with Welford's algorithm (numerically stable, one pass, constant memory).
 *
 * <p>Rule, shared by the job's feature node and the sample trainers: {@link #whitenThenAdd(double[])} whitens a
 * vector with the statistics of the <em>previous</em> vectors, then adds it. During warm-up, while fewer than
 * {@code warmUp} vectors have been added, there is no whitened vector (the statistics are too young to mean
 * anything): the vector is only added. So a machine's first {@code warmUp} feature vectors produce no record.
 *
 * <p>The state is a small {@link FeatureWhiteningState} protobuf message, so that Flink keyed state holds it and a
 * savepoint keeps it. Not thread-safe.
 */
public final class RunningWhitening {

    /** Lower bound of the standard deviation a feature is divided by (a constant feature whitens to 0). */
    public static final double EPSILON = 1e-6;
    /** Vectors added before whitening starts, unless configured otherwise. */
    public static final int DEFAULT_WARM_UP = 30;

    private final int warmUp;
    private long count;
    private final double[] mean;
    private final double[] m2;

    /**
     * Empty statistics.
     *
     * @param dimensions features per vector (at least 1)
     * @param warmUp vectors added before whitening starts (at least 2, so that a standard deviation exists)
     */
    public RunningWhitening(int dimensions, int warmUp) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be at least 1, got " + dimensions);
        }
        if (warmUp < 2) {
            throw new IllegalArgumentException("warmUp must be at least 2, got " + warmUp);
        }
        this.warmUp = warmUp;
        this.mean = new double[dimensions];
        this.m2 = new double[dimensions];
    }

    /**
     * Statistics restored from their state.
     *
     * @throws IllegalArgumentException when the state does not hold {@code dimensions} means and M2s, or is corrupt
     *     (negative count or M2, non-finite values)
     */
    public static RunningWhitening restore(FeatureWhiteningState state, int dimensions, int warmUp) {
        RunningWhitening whitening = new RunningWhitening(dimensions, warmUp);
        if (state.getCount() == 0 && state.getMeanCount() == 0 && state.getM2Count() == 0) {
            return whitening;
        }
        if (state.getMeanCount() != dimensions || state.getM2Count() != dimensions || state.getCount() < 0) {
            throw new IllegalArgumentException("whitening state has count " + state.getCount() + ", "
                    + state.getMeanCount() + " means and " + state.getM2Count() + " M2s; expected " + dimensions);
        }
        for (int i = 0; i < dimensions; i++) {
            double mean = state.getMean(i);
            double m2 = state.getM2(i);
            if (!Double.isFinite(mean) || !Double.isFinite(m2) || m2 < 0) {
                throw new IllegalArgumentException(
                        "whitening state of feature " + i + " is corrupt: mean " + mean + ", M2 " + m2);
            }
            whitening.mean[i] = mean;
            whitening.m2[i] = m2;
        }
        whitening.count = state.getCount();
        return whitening;
    }

    /** The state to keep (a copy). */
    public FeatureWhiteningState state() {
        FeatureWhiteningState.Builder state = FeatureWhiteningState.newBuilder().setCount(count);
        for (int i = 0; i < mean.length; i++) {
            state.addMean(mean[i]).addM2(m2[i]);
        }
        return state.build();
    }

    /** Vectors added so far. */
    public long count() {
        return count;
    }

    /** The running mean of feature {@code i}. */
    public double mean(int i) {
        return mean[i];
    }

    /** The running population standard deviation of feature {@code i} (0 before any vector). */
    public double std(int i) {
        return count == 0 ? 0 : Math.sqrt(m2[i] / count);
    }

    /**
     * Whitens {@code features} with the statistics of the vectors added before, then adds it.
     *
     * @param features finite values, one per dimension
     * @return the whitened vector, or empty during warm-up (fewer than {@code warmUp} vectors added before)
     * @throws IllegalArgumentException when the length is wrong or a value is not finite (nothing is added then)
     */
    public Optional<double[]> whitenThenAdd(double[] features) {
        if (features.length != mean.length) {
            throw new IllegalArgumentException("expected " + mean.length + " features, got " + features.length);
        }
        for (double feature : features) {
            if (!Double.isFinite(feature)) {
                throw new IllegalArgumentException("features must be finite: " + Arrays.toString(features));
            }
        }
        Optional<double[]> whitened = Optional.empty();
        if (count >= warmUp) {
            double[] z = new double[features.length];
            for (int i = 0; i < features.length; i++) {
                z[i] = (features[i] - mean[i]) / Math.max(std(i), EPSILON);
            }
            whitened = Optional.of(z);
        }
        add(features);
        return whitened;
    }

    private void add(double[] features) {
        count++;
        for (int i = 0; i < features.length; i++) {
            double delta = features[i] - mean[i];
            mean[i] += delta / count;
            m2[i] += delta * (features[i] - mean[i]);
        }
    }
}
