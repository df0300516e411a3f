package dev.modelserving.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.flink.parse.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RawRecordDeserializerTest {

    private final RawRecordDeserializer deserializer = new RawRecordDeserializer();

    @Test
    void keepsBytesKeyAndOriginExactly() {
        byte[] value = {0, (byte) 0xff, 42};
        RawRecord raw = deserialize(
                record("records", 3, 1234L, 1_700_000_000_000L, "machine-7".getBytes(StandardCharsets.UTF_8), value));

        assertThat(raw.getPayload()).containsExactly(0, (byte) 0xff, 42);
        assertThat(raw.keyAsString()).isEqualTo("machine-7");
        assertThat(raw.getTopic()).isEqualTo("records");
        assertThat(raw.getPartition()).isEqualTo(3);
        assertThat(raw.getOffset()).isEqualTo(1234L);
        assertThat(raw.getTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(raw.origin()).isEqualTo("records-3-1234");
    }

    @Test
    void tombstoneBecomesAnEmptyPayloadAndAMissingKeyStaysNull() {
        RawRecord raw = deserialize(record("models", 0, 7L, -1L, null, null));

        assertThat(raw.getPayload()).isEmpty();
        assertThat(raw.getKey()).isNull();
        assertThat(raw.keyAsString()).isNull();
        assertThat(raw.getTimestamp()).isEqualTo(-1L);
    }

    @Test
    void garbageIsPassedOnNotRefused() {
        byte[] garbage = "definitely not protobuf".getBytes(StandardCharsets.UTF_8);

        assertThat(deserialize(record("records", 0, 0L, 0L, null, garbage)).getPayload())
                .isEqualTo(garbage);
    }

    @Test
    void isAFlinkPojoSoFlinkNeverFallsBackToKryoAndNullKeysSurviveSerialization() throws Exception {
        TypeInformation<RawRecord> type = deserializer.getProducedType();
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        assertThat(((PojoTypeInfo<RawRecord>) type).getFieldNames())
                .containsExactlyInAnyOrder("payload", "key", "topic", "partition", "offset", "timestamp");

        TypeSerializer<RawRecord> serializer = type.createSerializer(new SerializerConfigImpl());
        RawRecord original = new RawRecord(new byte[] {1, 2}, null, "records", 1, 99L, 5L);
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(original, out);

        assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
                .isEqualTo(original);
    }

    private RawRecord deserialize(ConsumerRecord<byte[], byte[]> record) {
        List<RawRecord> out = new ArrayList<>();
        deserializer.deserialize(record, new Collector<>() {
            @Override
            public void collect(RawRecord raw) {
                out.add(raw);
            }

            @Override
            public void close() {}
        });
        assertThat(out).hasSize(1);
        return out.get(0);
    }

    private static ConsumerRecord<byte[], byte[]> record(
            String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        return new ConsumerRecord<>(
                topic,
                partition,
                offset,
                timestamp,
                TimestampType.CREATE_TIME,
                key == null ? -1 : key.length,
                value == null ? -1 : value.length,
                key,
                value,
                new RecordHeaders(),
                Optional.empty());
    }
}
