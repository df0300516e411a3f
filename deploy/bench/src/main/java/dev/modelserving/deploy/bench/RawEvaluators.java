package dev.modelserving.deploy.bench;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link RawEvaluatorBenchmark} with JMH (one fork unless told otherwise, short iterations) for a list of models: {@code score} at
 * batch 1 and {@code scoreBatch} at each batch size, and returns records per second.
 */
final class RawEvaluators {

    /**
     * The raw figures of one model.
     *
     * @param scoreRecordsPerSecond {@code Model.score}, one record per call
     * @param batchRecordsPerSecond {@code Model.scoreBatch}: batch size to records per second
     */
    record Figures(double scoreRecordsPerSecond, Map<Integer, Double> batchRecordsPerSecond) {

        /** The batch size with the most records per second. */
        int bestBatch() {
            return batchRecordsPerSecond.entrySet().stream()
                    .max(Map.Entry.comparingByValue())
                    .map(Map.Entry::getKey)
                    .orElse(1);
        }

        double best() {
            return batchRecordsPerSecond.getOrDefault(bestBatch(), scoreRecordsPerSecond);
        }
    }

    private final Path modelsDir;
    private final int warmupIterations;
    private final int iterations;
    private final TimeValue iterationTime;
    private final int forks;

    RawEvaluators(Path modelsDir, int warmupIterations, int iterations, TimeValue iterationTime, int forks) {
        this.modelsDir = modelsDir;
        this.forks = forks;
        this.warmupIterations = warmupIterations;
        this.iterations = iterations;
        this.iterationTime = iterationTime;
    }

    /** JMH figures per model name, in the order given. */
    Map<String, Figures> measure(List<String> models, List<Integer> batchSizes) throws RunnerException {
        String[] names = models.toArray(new String[0]);
        Collection<RunResult> single = new Runner(options("score$")
                        .param("model", names)
                        .param("batch", "1")
                        .build())
                .run();
        Collection<RunResult> batched = new Runner(options("scoreBatch$")
                        .param("model", names)
                        .param("batch", batchSizes.stream().map(String::valueOf).toArray(String[]::new))
                        .build())
                .run();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (RunResult r : single) {
            scores.put(r.getParams().getParam("model"), r.getPrimaryResult().getScore());
        }
        Map<String, Map<Integer, Double>> batches = new LinkedHashMap<>();
        for (RunResult r : batched) {
            int batch = Integer.parseInt(r.getParams().getParam("batch"));
            batches.computeIfAbsent(r.getParams().getParam("model"), m -> new TreeMap<>())
                    .put(batch, r.getPrimaryResult().getScore() * batch);
        }
        Map<String, Figures> figures = new LinkedHashMap<>();
        for (String model : models) {
            figures.put(
                    model, new Figures(scores.getOrDefault(model, Double.NaN), batches.getOrDefault(model, Map.of())));
        }
        return figures;
    }

    private ChainedOptionsBuilder options(String method) {
        return new OptionsBuilder()
                .include(RawEvaluatorBenchmark.class.getName() + "." + method)
                .forks(forks)
                .warmupIterations(warmupIterations)
                .warmupTime(iterationTime)
                .measurementIterations(iterations)
                .measurementTime(iterationTime)
                // ONNX Runtime's first session creation needs more stack than a forked JVM's main thread has once
                // the class path is this long (SIGSEGV without it; see docs/benchmarks.md).
                .jvmArgsAppend(
                        "-Xss8m", "-D" + RawEvaluatorBenchmark.MODELS_DIR_PROPERTY + "=" + modelsDir.toAbsolutePath());
    }

    /** Sets the models directory for benchmarks run in this JVM ({@code forks == 0}). */
    void shareModelsDirectory() {
        System.setProperty(
                RawEvaluatorBenchmark.MODELS_DIR_PROPERTY,
                modelsDir.toAbsolutePath().toString());
    }
}
