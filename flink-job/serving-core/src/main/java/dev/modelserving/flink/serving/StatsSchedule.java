package dev.modelserving.flink.serving;

/**
 * When the serving functions emit their serving statistics: at processing times that are multiples of the stats
 * interval, so each key registers at most one stats timer per tick however often it asks (Flink keeps one timer per
 * key and timestamp), and a timer that also polls a loading model can tell whether it is a stats tick.
 *
 * @param intervalMillis the interval ({@code --stats-interval-ms}); 0: no statistics
 */
public record StatsSchedule(long intervalMillis) implements java.io.Serializable {

    private static final long serialVersionUID = 1L;

    public StatsSchedule {
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("stats interval " + intervalMillis + " ms is negative");
        }
    }

    /** No statistics. */
    public static StatsSchedule off() {
        return new StatsSchedule(0);
    }

    public boolean enabled() {
        return intervalMillis > 0;
    }

    /** The first tick after {@code nowMillis}. */
    public long nextTick(long nowMillis) {
        return (Math.floorDiv(nowMillis, intervalMillis) + 1) * intervalMillis;
    }

    /** Whether a timer at {@code timestampMillis} is a stats tick. */
    public boolean isTick(long timestampMillis) {
        return enabled() && Math.floorMod(timestampMillis, intervalMillis) == 0;
    }

    /** Whether, for a function without timers, statistics last emitted at {@code lastMillis} are due again. */
    public boolean due(long lastMillis, long nowMillis) {
        return enabled() && nowMillis - lastMillis >= intervalMillis;
    }
}
