package dev.modelserving.deploy.samples;

import java.util.Arrays;

/** Quality metrics of the sample models. */
public final class Metrics {

    private Metrics() {}

    /** Root mean squared error. */
    public static double rmse(double[] predicted, double[] actual) {
        requireSameLength(predicted.length, actual.length);
        double sum = 0;
        for (int i = 0; i < actual.length; i++) {
            double error = predicted[i] - actual[i];
            sum += error * error;
        }
        return Math.sqrt(sum / actual.length);
    }

    /** Share of predictions equal to the actual class. */
    public static double accuracy(int[] predicted, int[] actual) {
        requireSameLength(predicted.length, actual.length);
        int correct = 0;
        for (int i = 0; i < actual.length; i++) {
            if (predicted[i] == actual[i]) {
                correct++;
            }
        }
        return (double) correct / actual.length;
    }

    /** Accuracy of always predicting the class that is most frequent in {@code training} (a naive baseline). */
    public static double majorityClassAccuracy(int[] training, int[] actual) {
        long positives = Arrays.stream(training).filter(label -> label == 1).count();
        int majority = positives * 2 > training.length ? 1 : 0;
        return accuracy(Arrays.stream(actual).map(label -> majority).toArray(), actual);
    }

    private static void requireSameLength(int predicted, int actual) {
        if (predicted != actual || actual == 0) {
            throw new IllegalArgumentException("need as many predictions as actual values (and at least one), got "
                    + predicted + " and " + actual);
        }
    }
}
