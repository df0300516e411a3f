package dev.modelserving.job.sensor.features;

import dev.modelserving.model.sensor.RunningWhitening;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The job options of the sensor system's feature node (event time, whitening). */
public final class FeatureOptions {

    /** {@code --max-out-of-orderness-ms}: how far behind the newest reading a reading may arrive and still count. */
    public static final ConfigOption<Long> MAX_OUT_OF_ORDERNESS_MS = ConfigOptions.key("max-out-of-orderness-ms")
            .longType()
            .defaultValue(5000L)
            .withDescription("Bounded out-of-orderness of sensor readings (ms): the watermark trails the largest"
                    + " reading timestamp seen by this much; a reading at or behind the watermark is late (counted"
                    + " and dead-lettered).");

    /** {@code --watermark-idleness-ms}: after how long without readings a source split stops holding event time. */
    public static final ConfigOption<Long> WATERMARK_IDLENESS_MS = ConfigOptions.key("watermark-idleness-ms")
            .longType()
            .defaultValue(10_000L)
            .withDescription("A parallel reading stream without readings for this long (ms) is idle and does not"
                    + " hold back the watermark (0: never idle).");

    /** {@code --whitening-warm-up}: feature vectors per machine before whitened records are emitted. */
    public static final ConfigOption<Integer> WHITENING_WARM_UP = ConfigOptions.key("whitening-warm-up")
            .intType()
            .defaultValue(RunningWhitening.DEFAULT_WARM_UP)
            .withDescription("Feature vectors of a machine added to its running whitening statistics before its"
                    + " first feature record is emitted (at least 2).");

    private FeatureOptions() {}
}
