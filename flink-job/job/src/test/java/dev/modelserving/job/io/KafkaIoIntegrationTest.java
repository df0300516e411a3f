package dev.modelserving.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.modelserving.flink.parse.DeadLetters;
import dev.modelserving.flink.parse.RawRecord;
import dev.modelserving.flink.parse.RecordFormat;
import dev.modelserving.flink.parse.RecordParser;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import dev.modelserving.testkit.LoopbackFlink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** KafkaIo sources and sinks in a real MiniCluster against the in-process broker. */
class KafkaIoIntegrationTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(localhostOnly())
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static EmbeddedKafkaBroker broker;
    private static KafkaIo kafka;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaBroker().start();
        kafka = KafkaIo.forBrokers(broker.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void sourceDeliversEveryRecordWithItsOriginAndParsingSplitsGoodFromBad() throws Exception {
        broker.createTopics(2, "source-records");
        DataRecord good = DataRecord.newBuilder()
                .setDataType("wine")
                .setId("r-1")
                .putFeatures("ph", 3.2)
                .build();
        Map<String, RecordMetadata> sent = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            sent.put(
                    "good",
                    send(producer, "source-records", 0, "k".getBytes(StandardCharsets.UTF_8), good.toByteArray()));
            sent.put("garbage", send(producer, "source-records", 1, null, new byte[] {0x0a, 0x05, 'a'}));
            sent.put("tombstone", send(producer, "source-records", 1, "gone".getBytes(StandardCharsets.UTF_8), null));
            sent.put(
                    "no-id",
                    send(
                            producer,
                            "source-records",
                            0,
                            null,
                            good.toBuilder().clearId().build().toByteArray()));
        }

        StreamExecutionEnvironment env = environment();
        DataStream<RawRecord> raw = env.fromSource(
                kafka.sourceBuilder("source-records", "it-source")
                        .setBounded(OffsetsInitializer.latest())
                        .build(),
                WatermarkStrategy.noWatermarks(),
                "records");
        SingleOutputStreamOperator<DataRecord> parsed = raw.process(new RecordParser(RecordFormat.DATA_RECORD));
        CloseableIterator<RawRecord> rawOut = raw.collectAsync();
        CloseableIterator<DataRecord> parsedOut = parsed.collectAsync();
        CloseableIterator<DeadLetter> deadOut =
                parsed.getSideOutput(DeadLetters.TAG).collectAsync();
        env.execute("kafka source");

        List<RawRecord> raws = drain(rawOut);
        assertThat(raws).hasSize(4);
        for (RawRecord record : raws) {
            assertThat(record.getTopic()).isEqualTo("source-records");
            assertThat(sent.values()).anySatisfy(meta -> {
                assertThat(meta.partition()).isEqualTo(record.getPartition());
                assertThat(meta.offset()).isEqualTo(record.getOffset());
            });
        }
        RawRecord tombstone = raws.stream()
                .filter(r -> r.getPayload().length == 0)
                .findFirst()
                .orElseThrow();
        assertThat(tombstone.keyAsString()).isEqualTo("gone");
        assertThat(tombstone.getOffset()).isEqualTo(sent.get("tombstone").offset());

        RecordMetadata noId = sent.get("no-id");
        assertThat(drain(parsedOut))
                .extracting(DataRecord::getId)
                .containsExactlyInAnyOrder("r-1", "source-records-" + noId.partition() + "-" + noId.offset());
        assertThat(drain(deadOut))
                .satisfiesExactlyInAnyOrder(
                        letter -> {
                            assertThat(letter.getReason()).startsWith("not a DataRecord");
                            assertThat(letter.getSourcePartition()).isEqualTo(1);
                            assertThat(letter.getSourceOffset())
                                    .isEqualTo(sent.get("garbage").offset());
                            assertThat(letter.getPayload())
                                    .isEqualTo(ByteString.copyFrom(new byte[] {0x0a, 0x05, 'a'}));
                        },
                        letter -> assertThat(letter.getReason()).contains("empty payload"));
    }

    @Test
    void atLeastOnceSinkWritesMessagesAPlainConsumerReads() throws Exception {
        broker.createTopics(2, "alo-results");
        List<ServingResult> results = results(50);

        StreamExecutionEnvironment env = environment();
        env.fromData(results, ProtoTypeInfo.of(ServingResult.class))
                .sinkTo(kafka.<ServingResult>sink(
                        "alo-results", ServingResult::getKey, DeliveryGuarantee.AT_LEAST_ONCE, null));
        env.execute("at-least-once sink");

        List<ConsumerRecord<byte[], byte[]>> read =
                OutputRecords.read(broker.bootstrapServers(), "alo-results", "read_uncommitted", results.size());
        assertThat(read)
                .extracting(r -> ServingResult.parseFrom(r.value()))
                .containsExactlyInAnyOrderElementsOf(results);
        assertThat(read)
                .allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8))
                        .isEqualTo(ServingResult.parseFrom(r.value()).getKey()));
    }

    @Test
    void exactlyOnceSinkCommitsTransactionsAReadCommittedConsumerSeesOnce() throws Exception {
        broker.createTopics(1, "eo-results");
        List<ServingResult> results = results(40);

        StreamExecutionEnvironment env = environment();
        env.enableCheckpointing(200);
        env.fromData(results, ProtoTypeInfo.of(ServingResult.class))
                .sinkTo(kafka.<ServingResult>sink(
                        "eo-results", ServingResult::getKey, DeliveryGuarantee.EXACTLY_ONCE, "it-eo-results"));
        env.execute("exactly-once sink");

        List<ConsumerRecord<byte[], byte[]>> read =
                OutputRecords.read(broker.bootstrapServers(), "eo-results", "read_committed", results.size());
        assertThat(read)
                .extracting(r -> ServingResult.parseFrom(r.value()).getRecordId())
                .containsExactlyInAnyOrderElementsOf(
                        results.stream().map(ServingResult::getRecordId).toList())
                .doesNotHaveDuplicates();
    }

    private static List<ServingResult> results(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> ServingResult.newBuilder()
                        .setRecordId("r-" + i)
                        .setKey("machine-" + (i % 5))
                        .setDataType("sensor")
                        .setStatus(ServingStatus.SCORED)
                        .setModelName("m")
                        .setModelVersion(1)
                        .addOutputs(i * 0.5)
                        .build())
                .toList();
    }

    private static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false); // any Kryo fallback fails the job
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        return env;
    }

    private static Configuration localhostOnly() {
        Configuration conf = LoopbackFlink.configuration();
        return conf;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static RecordMetadata send(
            KafkaProducer<byte[], byte[]> producer, String topic, int partition, byte[] key, byte[] value)
            throws Exception {
        return producer.send(new ProducerRecord<>(topic, partition, key, value)).get();
    }

    private static <T> List<T> drain(CloseableIterator<T> iterator) throws Exception {
        List<T> out = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(out::add);
        }
        return out;
    }
}
