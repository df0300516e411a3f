package dev.modelserving.deploy.bench;

import dev.modelserving.flink.parse.DataRecordDecoder;
import dev.modelserving.flink.parse.FeatureStrings;
import dev.modelserving.flink.parse.RawRecord;
import dev.modelserving.model.ForeignFields;
import dev.modelserving.model.Identifiers;
import dev.modelserving.proto.DataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: what the serving operator spends turning a data record's Kafka bytes into the DataRecord it scores, against
 * protobuf's own parser. {@link #decoder} is {@code DataRecordDecoder.decode} with one operator's {@link
 * FeatureStrings} (the serving path); {@link #protobuf} is {@code DataRecord.parseFrom} plus the unknown-field walk
 * ({@link ForeignFields}) and the identifier checks, the rules the decoder applies: what serving did before the decoder
 * read the fields itself. Records cycle through 512 distinct ones: {@code features} are the machine-feature records of the
 * sample models (30 named features, ~440 bytes), {@code small} are records like the wine example's (3 features, one
 * categorical feature, an id and a key, ~110 bytes).
 *
 * <p>The fork's heap is small and pre-touched: on a big heap that a short iteration never collects, every allocation
 * lands on memory the JVM touches for the first time, and page faults, not decoding, set the figures (decoding measured
 * 6-9x slower that way).
 *
 * <p>Run: {@code java -cp "deploy/bench/target/bench.jar:deploy/bench/target/lib/*" org.openjdk.jmh.Main
 * RecordDecodingBenchmark -f 2 -wi 3 -i 5 -w 1s -r 1s -prof gc}
 */
@State(Scope.Thread)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordDecodingBenchmark {

    private static final int DISTINCT_RECORDS = 512;

    /** {@code features} or {@code small}. */
    @Param({"features", "small"})
    public String records;

    private List<RawRecord> raws;
    private FeatureStrings strings;
    private int next;

    @Setup(Level.Trial)
    public void records() {
        List<DataRecord> source = records.equals("features")
                ? BenchModels.records(BenchModels.Kind.SENSOR, DISTINCT_RECORDS)
                : smallRecords();
        raws = new ArrayList<>(source.size());
        for (int i = 0; i < source.size(); i++) {
            raws.add(new RawRecord(source.get(i).toByteArray(), null, "records", 0, i, 1_000L + i));
        }
        strings = new FeatureStrings();
    }

    private static List<DataRecord> smallRecords() {
        List<DataRecord> small = new ArrayList<>(DISTINCT_RECORDS);
        for (int i = 0; i < DISTINCT_RECORDS; i++) {
            small.add(DataRecord.newBuilder()
                    .setDataType("wine")
                    .setId("w" + i)
                    .setKey("w" + i)
                    .putFeatures("fixed acidity", 6 + (i % 70) / 10.0)
                    .putFeatures("volatile acidity", 0.2 + (i % 30) / 100.0)
                    .putFeatures("alcohol", 9 + (i % 50) / 10.0)
                    .putCategoricalFeatures("colour", i % 3 == 0 ? "white" : "red")
                    .build());
        }
        return small;
    }

    private RawRecord nextRecord() {
        RawRecord raw = raws.get(next);
        next = (next + 1) % raws.size();
        return raw;
    }

    @Benchmark
    public DataRecord decoder() throws Exception {
        return DataRecordDecoder.decode(nextRecord(), strings);
    }

    @Benchmark
    public DataRecord protobuf() throws Exception {
        DataRecord record = DataRecord.parseFrom(nextRecord().getPayload());
        if (ForeignFields.first(record).isPresent()
                || Identifiers.recordKeyProblem("id", record.getId()).isPresent()
                || Identifiers.recordKeyProblem("key", record.getKey()).isPresent()
                || Identifiers.dataTypeProblem("data_type", record.getDataType())
                        .isPresent()) {
            throw new IllegalStateException("a generated record that breaks the rules: " + record.getId());
        }
        return record;
    }
}
