package dev.modelserving.deploy.bench;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelLoader;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.Scored;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH: one sample model's raw evaluator through our factories, nothing else: {@link #score} is
 * {@code Model.score} on one record; {@link #scoreBatch} is {@code Model.scoreBatch} on {@code batch} records (one
 * operation = one batch, so records per second = operations per second x batch). The descriptors are read from the
 * directory in system property {@value #MODELS_DIR_PROPERTY} (written by {@link ThroughputSuite}, so the forked JVM
 * does not train the samples again); records cycle through a fixed set of generated ones of the model's kind.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RawEvaluatorBenchmark {

    /** System property naming the directory of {@code <model>.descriptor.pb} files. */
    public static final String MODELS_DIR_PROPERTY = "bench.models.dir";

    /**
     * A file {@code <data type>}{@value} in the models directory holds the records (length-delimited) for that data
     * type's models: a user's own records ({@link UserRecords}); without one, generated records of the model's kind.
     */
    public static final String RECORDS_FILE_SUFFIX = ".records.pb";

    private static final int DISTINCT_RECORDS = 512;

    /** The model's name (a file in the models directory). */
    @Param({"temperature-forecast"})
    public String model;

    /** Records per {@code scoreBatch} call. */
    @Param({"1"})
    public int batch;

    private Model loaded;
    private List<DataRecord> records;
    private List<List<DataRecord>> batches;
    private int next;

    @Setup(Level.Trial)
    public void load() throws Exception {
        String dir = System.getProperty(MODELS_DIR_PROPERTY);
        if (dir == null) {
            throw new IllegalStateException("system property " + MODELS_DIR_PROPERTY + " is not set");
        }
        ModelDescriptor descriptor = BenchModels.read(Path.of(dir), model);
        loaded = ModelLoader.withDiscoveredFactories(LoadPolicy.defaults()).load(descriptor);
        Path userRecords = Path.of(dir, descriptor.getDataType() + RECORDS_FILE_SUFFIX);
        records = Files.exists(userRecords)
                ? UserRecords.cycle(
                        UserRecords.read(userRecords, UserRecords.Format.DATA_RECORD, null, false),
                        DISTINCT_RECORDS,
                        "r-")
                : BenchModels.records(BenchModels.Kind.of(descriptor), DISTINCT_RECORDS);
        batches = new ArrayList<>();
        for (int start = 0; start + batch <= records.size(); start += batch) {
            batches.add(List.copyOf(records.subList(start, start + batch)));
        }
        // Fail fast on a model that cannot score these records: a benchmark of failures would look fast.
        loaded.score(records.get(0));
    }

    @TearDown(Level.Trial)
    public void close() {
        loaded.close();
    }

    @Benchmark
    public Prediction score() throws ScoringException {
        next = (next + 1) % records.size();
        return loaded.score(records.get(next));
    }

    @Benchmark
    public List<Scored> scoreBatch() {
        next = (next + 1) % batches.size();
        return loaded.scoreBatch(batches.get(next));
    }
}
