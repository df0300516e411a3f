package dev.modelserving.model.drift;

import dev.modelserving.proto.FeatureStatistics;
import dev.modelserving.proto.TrainingStatistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes the {@link TrainingStatistics} of a descriptor from training rows: per feature count, min, max, mean,
 * standard deviation, the deciles as bin cut points and the fraction of the rows in each bin; the same for the
 * model's primary output on those rows, and the label frequencies of a classifier. Non-finite values are skipped.
 * Used by {@code modelctl descriptor --training-data} and by the sample trainers.
 */
public final class TrainingStatisticsBuilder {

    /** Name of the primary output's statistics. */
    public static final String OUTPUT = "output";
    /** Quantile cut points per feature: the deciles. */
    public static final int BINS = 10;

    private final Map<String, List<Double>> features = new LinkedHashMap<>();
    private final List<Double> outputs = new ArrayList<>();
    private final Map<String, Long> labels = new TreeMap<>();
    private long rows;

    /** Adds one training row: its input features (in the order they should be reported) and, if known, the output. */
    public TrainingStatisticsBuilder add(Map<String, Double> inputs, Double output, String label) {
        rows++;
        inputs.forEach((name, value) -> {
            List<Double> values = features.computeIfAbsent(name, n -> new ArrayList<>());
            if (value != null && Double.isFinite(value)) {
                values.add(value);
            }
        });
        if (output != null && Double.isFinite(output)) {
            outputs.add(output);
        }
        if (label != null && !label.isEmpty()) {
            labels.merge(label, 1L, Long::sum);
        }
        return this;
    }

    /** The statistics of the rows added so far, {@code source} naming where they came from. */
    public TrainingStatistics build(String source) {
        TrainingStatistics.Builder stats =
                TrainingStatistics.newBuilder().setRows(rows).setSource(source);
        features.forEach((name, values) -> {
            if (!values.isEmpty()) {
                stats.addFeatures(of(name, values));
            }
        });
        if (!outputs.isEmpty()) {
            stats.setOutput(of(OUTPUT, outputs));
        }
        long labelled = labels.values().stream().mapToLong(Long::longValue).sum();
        labels.forEach((label, n) -> stats.putLabelFractions(label, (double) n / labelled));
        return stats.build();
    }

    /** The statistics of one feature's values (at least one). */
    public static FeatureStatistics of(String name, List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        double mean = sum / n;
        double squares = 0;
        for (double v : sorted) {
            squares += (v - mean) * (v - mean);
        }
        FeatureStatistics.Builder stats = FeatureStatistics.newBuilder()
                .setName(name)
                .setCount(n)
                .setMin(sorted[0])
                .setMax(sorted[n - 1])
                .setMean(mean)
                .setStd(Math.sqrt(squares / n));
        double[] cuts = new double[BINS - 1];
        for (int q = 1; q < BINS; q++) {
            cuts[q - 1] = quantile(sorted, (double) q / BINS);
            stats.addQuantiles(cuts[q - 1]);
        }
        long[] counts = new long[cuts.length + 1];
        for (double v : sorted) {
            counts[PopulationStability.bin(cuts, v)]++;
        }
        for (long c : counts) {
            stats.addBinFractions((double) c / n);
        }
        return stats.build();
    }

    /** The q-quantile of sorted values, interpolated linearly between the two nearest ranks. */
    static double quantile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
