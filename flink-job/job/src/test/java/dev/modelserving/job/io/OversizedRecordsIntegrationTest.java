package dev.modelserving.job.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import dev.modelserving.testkit.LoopbackFlink;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The job's Kafka sinks against a real broker whose topics accept at most {@value #BROKER_LIMIT} bytes per record:
 * with {@code max.request.size} at the same limit, oversized results, events and dead letters are shrunk by the
 * serializer and the job finishes, instead of failing on a record the broker refuses.
 */
class OversizedRecordsIntegrationTest {

    private static final int BROKER_LIMIT = 64 * 1024;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(LoopbackFlink.configuration())
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(1)
            .build());

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaBroker(Map.of("message.max.bytes", Integer.toString(BROKER_LIMIT))).start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void theBrokerReallyRefusesARecordAboveItsLimit() {
        broker.createTopics(1, "limit-probe");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(10 * BROKER_LIMIT));
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("limit-probe", new byte[2 * BROKER_LIMIT]))
                            .get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(RecordTooLargeException.class);
        }
    }

    @Test
    void oversizedMessagesAreShrunkToFitAndTheJobFinishes() throws Exception {
        broker.createTopics(1, "big-results", "big-events", "big-dead-letters");
        KafkaIo kafka = KafkaIo.forBrokers(broker.bootstrapServers()).withMaxRequestBytes(BROKER_LIMIT);

        ServingResult.Builder huge = ServingResult.newBuilder()
                .setRecordId("r-big")
                .setKey("k-1")
                .setDataType("img")
                .setStatus(ServingStatus.SCORED)
                .setModelName("embedder")
                .setModelVersion(3);
        for (int i = 0; i < 20_000; i++) {
            huge.addOutputs(i);
        }
        ServingResult small = ServingResult.newBuilder()
                .setRecordId("r-small")
                .setKey("k-2")
                .setDataType("img")
                .setStatus(ServingStatus.SCORED)
                .addOutputs(1)
                .build();
        ModelEvent event = ModelEvent.newBuilder()
                .setType(ModelEventType.REJECTED)
                .setDataType("img")
                .setModelName("embedder")
                .setModelVersion(4)
                .setReason("x".repeat(200_000))
                .build();
        DeadLetter letter = DeadLetter.newBuilder()
                .setPayload(ByteString.copyFrom(new byte[150_000]))
                .setSourceTopic("records")
                .setReason("not a DataRecord")
                .setPayloadSize(150_000)
                .setPayloadSha256("00")
                .build();

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromData(List.of(huge.build(), small), ProtoTypeInfo.of(ServingResult.class))
                .sinkTo(kafka.<ServingResult>sink(
                        "big-results", ServingResult::getKey, DeliveryGuarantee.AT_LEAST_ONCE, null));
        env.fromData(List.of(event), ProtoTypeInfo.of(ModelEvent.class))
                .sinkTo(kafka.<ModelEvent>sink(
                        "big-events", ModelEvent::getDataType, DeliveryGuarantee.AT_LEAST_ONCE, null));
        env.fromData(List.of(letter), ProtoTypeInfo.of(DeadLetter.class))
                .sinkTo(kafka.<DeadLetter>sink(
                        "big-dead-letters", DeadLetter::getSourceTopic, DeliveryGuarantee.AT_LEAST_ONCE, null));
        JobExecutionResult finished = env.execute("oversized records");
        assertThat(finished.getJobID()).isNotNull();

        List<ServingResult> results = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consume("big-results", 2)) {
            results.add(ServingResult.parseFrom(record.value()));
        }
        assertThat(results).hasSize(2).contains(small).anySatisfy(r -> {
            assertThat(r.getRecordId()).isEqualTo("r-big");
            assertThat(r.getKey()).isEqualTo("k-1");
            assertThat(r.getModelName()).isEqualTo("embedder");
            assertThat(r.getModelVersion()).isEqualTo(3);
            assertThat(r.getStatus()).isEqualTo(ServingStatus.FAILED);
            assertThat(r.getError())
                    .isEqualTo("the SCORED result was " + huge.build().getSerializedSize()
                            + " bytes, above the Kafka request limit of 65536 bytes (--max-request-bytes): outputs not"
                            + " written");
        });

        ModelEvent cutEvent =
                ModelEvent.parseFrom(consume("big-events", 1).get(0).value());
        assertThat(cutEvent.getModelName()).isEqualTo("embedder");
        assertThat(cutEvent.getReason()).startsWith("xxxx").contains("(cut: the event was 200");
        assertThat(cutEvent.getSerializedSize()).isLessThan(BROKER_LIMIT);

        DeadLetter cutLetter =
                DeadLetter.parseFrom(consume("big-dead-letters", 1).get(0).value());
        assertThat(cutLetter.getPayloadTruncated()).isTrue();
        assertThat(cutLetter.getPayloadSize()).isEqualTo(150_000);
        assertThat(cutLetter.getPayload().size()).isBetween(BROKER_LIMIT - 2048, BROKER_LIMIT);
        assertThat(cutLetter.getReason()).isEqualTo("not a DataRecord");
    }

    private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> read =
                OutputRecords.read(broker.bootstrapServers(), topic, "read_uncommitted", expected);
        assertThat(read).as("records on %s", topic).hasSize(expected);
        return read;
    }
}
