package dev.modelserving.model.warmup;

import java.io.Serializable;

/**
 * How a candidate is warmed up on its loading thread after it validated and before it becomes current (JIT of the
 * evaluator's code paths, lazy allocations of TF/ONNX sessions, JPMML's first-call caches): it scores its inputs in
 * rounds until the round latency is stable.
 *
 * <p>It makes at least {@code minCalls} calls (JIT compilers compile a method after some hundreds of calls, and a
 * model may be uniformly slow for its first calls, which no latency window can tell apart from a stable model), then
 * stops when the latency is stable: the last {@code window} rounds each lie within {@code tolerance} (a fraction) of their median,
 * or within {@link #ABSOLUTE_SLACK_NANOS} of it (so a model whose rounds take microseconds is not held by timer
 * jitter). The warm-up stops anyway after {@code maxCalls} scoring calls or {@code maxMillis} milliseconds, whichever
 * comes first; the model then becomes current as it is (warm-up is best effort, never a reason to reject).
 *
 * @param maxMillis most milliseconds a warm-up may take (0: no warm-up)
 * @param minCalls fewest scoring calls a warm-up makes before it may call the latency stable (the time bound still
 *     applies)
 * @param maxCalls most scoring calls a warm-up may make
 * @param window rounds that must agree for the latency to count as stable (at least 2)
 * @param tolerance allowed relative distance of each of those rounds from their median (e.g. 0.2 = 20 %)
 */
public record WarmUpSettings(long maxMillis, int minCalls, int maxCalls, int window, double tolerance)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default {@link #maxMillis()}: 3 s, well within the default load deadline of 120 s. */
    public static final long DEFAULT_MAX_MILLIS = 3_000;
    /** Default {@link #minCalls()}: 200 (HotSpot's C1 compiles a method after ~200 invocations with loops). */
    public static final int DEFAULT_MIN_CALLS = 200;
    /** Default {@link #maxCalls()}. */
    public static final int DEFAULT_MAX_CALLS = 5_000;
    /** Default {@link #window()}: five rounds in a row. */
    public static final int DEFAULT_WINDOW = 5;
    /** Default {@link #tolerance()}: 20 % of the median. */
    public static final double DEFAULT_TOLERANCE = 0.2;
    /** Rounds closer than this to their median count as stable whatever the tolerance says (timer jitter). */
    public static final long ABSOLUTE_SLACK_NANOS = 20_000;

    public WarmUpSettings {
        if (maxMillis < 0) {
            throw new IllegalArgumentException("warm-up maxMillis must be >= 0, got " + maxMillis);
        }
        if (minCalls < 0 || maxCalls < 1 || minCalls > maxCalls) {
            throw new IllegalArgumentException(
                    "warm-up calls must satisfy 0 <= minCalls <= maxCalls, 1 <= maxCalls; got " + minCalls + ", "
                            + maxCalls);
        }
        if (window < 2) {
            throw new IllegalArgumentException("warm-up window must be >= 2, got " + window);
        }
        if (!(tolerance > 0) || tolerance > 10) {
            throw new IllegalArgumentException("warm-up tolerance must be in (0, 10], got " + tolerance);
        }
    }

    /** The defaults: 200 to 5,000 calls and at most 3 s, until 5 rounds lie within 20 % of their median. */
    public static WarmUpSettings defaults() {
        return new WarmUpSettings(
                DEFAULT_MAX_MILLIS, DEFAULT_MIN_CALLS, DEFAULT_MAX_CALLS, DEFAULT_WINDOW, DEFAULT_TOLERANCE);
    }

    /** No warm-up: a candidate becomes current as soon as it validated. */
    public static WarmUpSettings off() {
        return new WarmUpSettings(0, DEFAULT_MIN_CALLS, DEFAULT_MAX_CALLS, DEFAULT_WINDOW, DEFAULT_TOLERANCE);
    }

    /** The same settings with another time bound (0: off). */
    public WarmUpSettings withMaxMillis(long millis) {
        return new WarmUpSettings(millis, minCalls, maxCalls, window, tolerance);
    }

    public boolean enabled() {
        return maxMillis > 0;
    }
}
