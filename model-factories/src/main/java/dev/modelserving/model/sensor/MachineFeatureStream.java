package dev.modelserving.model.sensor;

import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.SensorReading;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One machine's feature records computed in memory, for code that is not the Flink job (sample trainers, tests): it
 * keeps the window and the whitening the job keeps in keyed state, and takes readings in event-time order, as the
 * job's feature node releases them on the watermark. Not thread-safe.
 */
public final class MachineFeatureStream {

    private final List<SensorReading> window = new ArrayList<>();
    private final RunningWhitening whitening;

    /** A stream with empty window and whitening that warms up over {@code warmUp} feature vectors. */
    public MachineFeatureStream(int warmUp) {
        this.whitening = new RunningWhitening(SensorWindowFeatures.FEATURE_NAMES.size(), warmUp);
    }

    /**
     * Adds the machine's next reading and returns its record, if it has one.
     *
     * @throws IllegalArgumentException when the reading is older than the previous one
     */
    public Optional<DataRecord> accept(SensorReading reading) {
        if (!window.isEmpty()
                && reading.getTimestampMillis() < window.get(window.size() - 1).getTimestampMillis()) {
            throw new IllegalArgumentException("reading at " + reading.getTimestampMillis()
                    + " is older than the previous one of machine " + reading.getMachineId());
        }
        window.add(reading);
        long oldestKept = reading.getTimestampMillis() - SensorWindowFeatures.WINDOW_MILLIS;
        int expired = 0;
        while (expired < window.size() && window.get(expired).getTimestampMillis() <= oldestKept) {
            expired++;
        }
        window.subList(0, expired).clear();
        return MachineFeatureRecords.next(window, whitening);
    }

    /** The machine's whitening (read-only use: its statistics). */
    public RunningWhitening whitening() {
        return whitening;
    }
}
