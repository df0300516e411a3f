package dev.modelserving.model.drift;

import dev.modelserving.model.Prediction;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.FeatureStatistics;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.TrainingStatistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Watches one live model version for drift: compares the distribution of each monitored input feature and of the
 * model's primary output (and a classifier's labels) over tumbling windows of {@link DriftSettings#windowRecords}
 * records with the training distribution stated in the descriptor's {@link TrainingStatistics}, by the population
 * stability index over the training deciles ({@link PopulationStability}).
 *
 * <p>Once per crossing: a feature whose window PSI rises above the threshold is reported drifted once; it is
 * reported again only after a window whose PSI fell below half the threshold (hysteresis, reported as cleared), so
 * a PSI hovering around the threshold does not flap. Values outside the training [min, max] are counted per feature.
 *
 * <p>Features are read by name from the record's features; a feature named {@code vector[i]} that the record does
 * not carry by name is element i of its packed vector. At most {@link #MAX_FEATURES} features are monitored (the
 * first ones of the statistics). Not thread-safe: the slot's thread drives it.
 */
public final class DriftMonitor {

    /** Most input features monitored per model version. */
    public static final int MAX_FEATURES = 64;
    /** Name of the label distribution of a classifier. */
    public static final String OUTPUT_LABEL = "output-label";

    private final double threshold;
    private final int windowRecords;
    private final List<Tracker> trackers = new ArrayList<>();
    private final LabelTracker labels;
    private long recordsInWindow;
    private long windows;

    public DriftMonitor(TrainingStatistics statistics, double threshold, int windowRecords) {
        this.threshold = threshold;
        this.windowRecords = windowRecords;
        for (FeatureStatistics f : statistics.getFeaturesList()) {
            if (trackers.size() == MAX_FEATURES) {
                break;
            }
            if (usable(f)) {
                trackers.add(new Tracker(f, vectorIndex(f.getName()), false));
            }
        }
        if (statistics.hasOutput() && usable(statistics.getOutput())) {
            trackers.add(new Tracker(statistics.getOutput(), -1, true));
        }
        labels = statistics.getLabelFractionsCount() == 0 ? null : new LabelTracker(statistics.getLabelFractionsMap());
    }

    /** The monitor of a descriptor, if it carries training statistics; its threshold overrides the settings'. */
    public static Optional<DriftMonitor> of(ModelDescriptor descriptor, DriftSettings settings) {
        if (!descriptor.hasTrainingStatistics()) {
            return Optional.empty();
        }
        double threshold = descriptor.getDriftThreshold() > 0 && Double.isFinite(descriptor.getDriftThreshold())
                ? descriptor.getDriftThreshold()
                : settings.threshold();
        DriftMonitor monitor =
                new DriftMonitor(descriptor.getTrainingStatistics(), threshold, settings.windowRecords());
        return monitor.trackers.isEmpty() && monitor.labels == null ? Optional.empty() : Optional.of(monitor);
    }

    /**
     * Takes one record the model scored, with its prediction (null when scoring failed: only inputs count); returns
     * the crossings of the window this record completed (usually none).
     */
    public List<DriftChange> observe(DataRecord record, Prediction prediction) {
        for (Tracker t : trackers) {
            if (t.isOutput()) {
                if (prediction != null && prediction.outputs().length > 0) {
                    t.add(prediction.outputs()[0]);
                }
            } else {
                Double value = t.read(record);
                if (value != null) {
                    t.add(value);
                }
            }
        }
        if (labels != null
                && prediction != null
                && prediction.label() != null
                && !prediction.label().isEmpty()) {
            labels.add(prediction.label());
        }
        recordsInWindow++;
        if (recordsInWindow < windowRecords) {
            return List.of();
        }
        return closeWindow();
    }

    private List<DriftChange> closeWindow() {
        List<DriftChange> changes = new ArrayList<>();
        for (Tracker t : trackers) {
            t.close(changes);
        }
        if (labels != null) {
            labels.close(changes);
        }
        recordsInWindow = 0;
        windows++;
        return changes;
    }

    /** The threshold in force. */
    public double threshold() {
        return threshold;
    }

    /** Windows completed so far. */
    public long windows() {
        return windows;
    }

    /** Names of the monitored features, in order (inputs, then "output", then "output-label" if any). */
    public List<String> features() {
        List<String> names = new ArrayList<>();
        trackers.forEach(t -> names.add(t.name));
        if (labels != null) {
            names.add(OUTPUT_LABEL);
        }
        return names;
    }

    /** The PSI of the last completed window of the feature at {@code index} of {@link #features()} (0 before). */
    public double psi(int index) {
        return index < trackers.size() ? trackers.get(index).lastPsi : labels.lastPsi;
    }

    /** Values of the feature at {@code index} outside the training range since the monitor started. */
    public long outOfRange(int index) {
        return index < trackers.size() ? trackers.get(index).outOfRangeTotal : 0;
    }

    /** Whether the feature at {@code index} is drifted now. */
    public boolean drifted(int index) {
        return index < trackers.size() ? trackers.get(index).drifted : labels.drifted;
    }

    private static boolean usable(FeatureStatistics f) {
        return !f.getName().isEmpty() && f.getBinFractionsCount() == f.getQuantilesCount() + 1;
    }

    /** The vector index of a feature named {@code vector[i]}, or -1. */
    static int vectorIndex(String name) {
        if (!name.startsWith("vector[") || !name.endsWith("]")) {
            return -1;
        }
        try {
            return Integer.parseInt(name.substring("vector[".length(), name.length() - 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Hysteresis shared by all features: returns the change a window's PSI makes, if any. */
    private abstract class Crossing {
        double lastPsi;
        boolean drifted;

        void judge(String name, double psi, long seen, long outOfRange, List<DriftChange> changes) {
            lastPsi = psi;
            if (!drifted && psi > threshold) {
                drifted = true;
                changes.add(new DriftChange(name, true, psi, threshold, seen, outOfRange));
            } else if (drifted && psi < threshold / 2) {
                drifted = false;
                changes.add(new DriftChange(name, false, psi, threshold, seen, outOfRange));
            }
        }
    }

    /** One numeric feature (or the primary output): counts per training bin in the current window. */
    private final class Tracker extends Crossing {
        final String name;
        final int vectorIndex;
        final boolean output;
        final FeatureStatistics training;
        /** The training quantiles, the bins' cut points, unboxed once: every record is binned against them. */
        final double[] cuts;

        final long[] counts;
        long seen;
        long outOfRange;
        long outOfRangeTotal;

        Tracker(FeatureStatistics training, int vectorIndex, boolean output) {
            this.name = training.getName();
            this.vectorIndex = vectorIndex;
            this.output = output;
            this.training = training;
            this.cuts = training.getQuantilesList().stream()
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            this.counts = new long[training.getBinFractionsCount()];
        }

        boolean isOutput() {
            return output;
        }

        Double read(DataRecord record) {
            Double value = record.getFeaturesMap().get(name);
            if (value == null && vectorIndex >= 0 && vectorIndex < record.getVectorCount()) {
                value = (double) record.getVector(vectorIndex);
            }
            return value;
        }

        void add(double value) {
            if (Double.isNaN(value)) {
                return;
            }
            if (value < training.getMin() || value > training.getMax()) {
                outOfRange++;
                outOfRangeTotal++;
            }
            counts[PopulationStability.bin(cuts, value)]++;
            seen++;
        }

        void close(List<DriftChange> changes) {
            if (seen > 0) {
                judge(
                        name,
                        PopulationStability.psi(counts, seen, training.getBinFractionsList()),
                        seen,
                        outOfRange,
                        changes);
            }
            Arrays.fill(counts, 0);
            seen = 0;
            outOfRange = 0;
        }
    }

    /** A classifier's labels: counts per training label (plus one bin for labels never seen in training). */
    private final class LabelTracker extends Crossing {
        final List<String> names;
        final List<Double> expected;
        final long[] counts;
        long seen;

        LabelTracker(Map<String, Double> fractions) {
            names = new ArrayList<>(new TreeMap<>(fractions).keySet());
            expected = new ArrayList<>();
            names.forEach(n -> expected.add(fractions.get(n)));
            expected.add(0.0);
            counts = new long[expected.size()];
        }

        void add(String label) {
            int index = names.indexOf(label);
            counts[index < 0 ? counts.length - 1 : index]++;
            seen++;
        }

        void close(List<DriftChange> changes) {
            if (seen > 0) {
                judge(
                        OUTPUT_LABEL,
                        PopulationStability.psi(counts, seen, expected),
                        seen,
                        counts[counts.length - 1],
                        changes);
            }
            Arrays.fill(counts, 0);
            seen = 0;
        }
    }
}
