package dev.modelserving.deploy.bench;

import dev.modelserving.flink.parse.EncodedRecord;
import dev.modelserving.flink.parse.EncodedRecordSerializer;
import dev.modelserving.flink.parse.RawRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
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
 * JMH: one data record across the serving exchange, serialized by the sending task and read back by the serving
 * operator's, with the job's {@link EncodedRecordSerializer} ({@code dedicated}) against the {@code PojoSerializer}
 * Flink derives for the same classes ({@code pojo}, what the job used before). The record carries a 105-byte payload
 * (the size of the wine example's records) and a key; the data type is read back on each round trip, and its hash
 * taken, as the keyed serving operator does to find the record's key group.
 *
 * <p>Run: {@code java -cp "deploy/bench/target/bench.jar:deploy/bench/target/lib/*" org.openjdk.jmh.Main
 * ExchangeSerializerBenchmark -f 2 -wi 3 -i 5 -w 1s -r 1s -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class ExchangeSerializerBenchmark {

    /** {@code dedicated} or {@code pojo}. */
    @Param({"dedicated", "pojo"})
    public String serializer;

    private TypeSerializer<EncodedRecord> chosen;
    private EncodedRecord record;
    private final DataOutputSerializer out = new DataOutputSerializer(512);
    private final DataInputDeserializer in = new DataInputDeserializer();

    @Setup(Level.Trial)
    public void serializer() {
        chosen = serializer.equals("dedicated")
                ? new EncodedRecordSerializer()
                : Types.POJO(EncodedRecord.class, Map.of("dataType", Types.STRING, "raw", Types.POJO(RawRecord.class)))
                        .createSerializer(new SerializerConfigImpl());
        byte[] payload = new byte[105];
        payload[0] = 0x0a;
        record = new EncodedRecord(
                "wine",
                new RawRecord(payload, "w12345".getBytes(StandardCharsets.UTF_8), "wines", 3, 123_456L, 1_700L));
    }

    @Benchmark
    public int roundTrip() throws IOException {
        out.clear();
        chosen.serialize(record, out);
        in.setBuffer(out.getSharedBuffer(), 0, out.length());
        return chosen.deserialize(in).getDataType().hashCode();
    }
}
