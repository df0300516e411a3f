package dev.modelserving.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** {@code --results-format json}: one JSON object per result, and oversized JSON shrunk like oversized protobuf. */
class JsonResultsSerializerTest {

    private static final SerializationSchema.InitializationContext CONTEXT =
            new SerializationSchema.InitializationContext() {
                @Override
                public MetricGroup getMetricGroup() {
                    return new UnregisteredMetricsGroup();
                }

                @Override
                public UserCodeClassLoader getUserCodeClassLoader() {
                    return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
                }
            };

    @Test
    void aResultIsWrittenAsOneLineOfProtobufJson() throws Exception {
        ProtoRecordSerializer<ServingResult> serializer =
                new ProtoRecordSerializer<>("results", ServingResult::getKey, 1 << 20, ResultsFormat.JSON);
        serializer.open(CONTEXT, null);
        ServingResult result = ServingResult.newBuilder()
                .setRecordId("w-1")
                .setKey("w-1")
                .setDataType("wine")
                .setStatus(ServingStatus.SCORED)
                .setModelName("wine-quality")
                .setModelVersion(3)
                .addOutputs(5.044)
                .build();
        ProducerRecord<byte[], byte[]> record = serializer.serialize(result, null, 17L);
        String json = new String(record.value(), StandardCharsets.UTF_8);
        assertThat(json)
                .startsWith("{\"recordId\":\"w-1\"")
                .doesNotContain("\n")
                .contains("\"status\":\"SCORED\"");
        ServingResult.Builder parsed = ServingResult.newBuilder();
        JsonFormat.parser().merge(json, parsed);
        assertThat(parsed.build()).isEqualTo(result);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("w-1");
        assertThat(record.timestamp()).isEqualTo(17L);
    }

    @Test
    void jsonThatWouldNotFitBecomesAFailedResultThatDoes() throws Exception {
        int limit = 4096;
        ProtoRecordSerializer<ServingResult> serializer =
                new ProtoRecordSerializer<>("results", ServingResult::getKey, limit, ResultsFormat.JSON);
        serializer.open(CONTEXT, null);
        ServingResult.Builder big =
                ServingResult.newBuilder().setRecordId("r").setKey("k").setStatus(ServingStatus.SCORED);
        // 300 doubles: ~2.7 kB of protobuf (fits) but ~6 kB of JSON text (does not).
        for (int i = 0; i < 300; i++) {
            big.addOutputs(0.123456789 + i);
        }
        ServingResult result = big.build();
        assertThat(result.getSerializedSize()).isLessThan(limit - 600);
        byte[] value = serializer.serialize(result, null, 1L).value();
        assertThat(value.length).isLessThan(limit);
        ServingResult.Builder parsed = ServingResult.newBuilder();
        JsonFormat.parser().merge(new String(value, StandardCharsets.UTF_8), parsed);
        assertThat(parsed.getRecordId()).isEqualTo("r");
        assertThat(parsed.getStatus()).isEqualTo(ServingStatus.FAILED);
        assertThat(parsed.getOutputsList()).isEmpty();
    }
}
