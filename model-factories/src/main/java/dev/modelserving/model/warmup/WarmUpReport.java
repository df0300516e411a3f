package dev.modelserving.model.warmup;

/**
 * What a warm-up did: the ACTIVATED event and the metrics report it.
 *
 * @param millis how long it ran
 * @param calls scoring calls made (records scored, failures included)
 * @param stable whether the latency became stable (false: a bound stopped it, or nothing could be scored)
 * @param firstRoundNanos latency of the first round (the cold model)
 * @param lastRoundNanos latency of the last round (the warm model)
 */
public record WarmUpReport(long millis, int calls, boolean stable, long firstRoundNanos, long lastRoundNanos) {

    /** No warm-up ran (off, or the model came warm from another slot). */
    public static WarmUpReport none() {
        return new WarmUpReport(0, 0, false, 0, 0);
    }
}
