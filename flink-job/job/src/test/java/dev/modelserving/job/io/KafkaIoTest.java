package dev.modelserving.job.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.proto.ServingResult;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class KafkaIoTest {

    private final KafkaIo kafka = KafkaIo.forBrokers("127.0.0.1:9092");

    @Test
    void exactlyOnceProducersUseATransactionTimeoutBrokersAccept() {
        Properties properties = kafka.producerProperties(DeliveryGuarantee.EXACTLY_ONCE);

        assertThat(Long.parseLong(properties.getProperty("transaction.timeout.ms")))
                .isLessThanOrEqualTo(900_000L);
        assertThat(properties.getProperty("acks")).isEqualTo("all");
    }

    @Test
    void atLeastOnceProducersWaitForAllReplicasAndUseNoTransactions() {
        Properties properties = kafka.producerProperties(DeliveryGuarantee.AT_LEAST_ONCE);

        assertThat(properties.getProperty("acks")).isEqualTo("all");
        assertThat(properties).doesNotContainKey("transaction.timeout.ms");
    }

    @Test
    void onlyExactlyOnceStaysExactlyOnceAndNothingIsDowngradedToNone() {
        assertThat(KafkaIo.effectiveGuarantee(DeliveryGuarantee.EXACTLY_ONCE))
                .isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(KafkaIo.effectiveGuarantee(DeliveryGuarantee.AT_LEAST_ONCE))
                .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(KafkaIo.effectiveGuarantee(DeliveryGuarantee.NONE)).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    }

    @Test
    void clientPropertiesReachProducersButCannotWeakenAcks() {
        Properties properties = kafka.withClientProperty("security.protocol", "SSL")
                .withClientProperty("acks", "0")
                .producerProperties(DeliveryGuarantee.AT_LEAST_ONCE);

        assertThat(properties.getProperty("security.protocol")).isEqualTo("SSL");
        assertThat(properties.getProperty("acks")).isEqualTo("all");
    }

    @Test
    void exactlyOnceSinkNeedsATransactionalIdPrefix() {
        assertThatThrownBy(() -> kafka.<ServingResult>sink(
                        "results", ServingResult::getKey, DeliveryGuarantee.EXACTLY_ONCE, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transactional id prefix");
        assertThat(kafka.<ServingResult>sink(
                        "results", ServingResult::getKey, DeliveryGuarantee.EXACTLY_ONCE, "model-serving-results"))
                .isNotNull();
    }

    @Test
    void blankBootstrapServersAreRefused() {
        assertThatThrownBy(() -> KafkaIo.forBrokers(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void recordValueIsTheMessageAndTheKeyComesFromTheKeyFunction() throws Exception {
        ServingResult result = ServingResult.newBuilder()
                .setRecordId("r-1")
                .setKey("machine-7")
                .build();
        ProtoRecordSerializer<ServingResult> serializer = new ProtoRecordSerializer<>("results", ServingResult::getKey);

        ProducerRecord<byte[], byte[]> record = serializer.serialize(result, null, 123L);

        assertThat(record.topic()).isEqualTo("results");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("machine-7");
        assertThat(ServingResult.parseFrom(record.value())).isEqualTo(result);
        assertThat(record.timestamp()).isEqualTo(123L);
        assertThat(serializer
                        .serialize(result.toBuilder().clearKey().build(), null, null)
                        .key())
                .isNull();
    }

    @Test
    void everyProducerHasAnExplicitMaxRequestSizeThatClientPropertiesCannotRaise() {
        assertThat(kafka.producerProperties(DeliveryGuarantee.AT_LEAST_ONCE).getProperty("max.request.size"))
                .isEqualTo("1048576");
        Properties custom = kafka.withClientProperty("max.request.size", "99999999")
                .withMaxRequestBytes(65_536)
                .producerProperties(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(custom.getProperty("max.request.size")).isEqualTo("65536");
        assertThatThrownBy(() -> kafka.withMaxRequestBytes(RecordSizeGuard.HEADROOM_BYTES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void producersAndConsumersStartFromTheTunedDefaults() {
        Properties producer = kafka.producerProperties(DeliveryGuarantee.AT_LEAST_ONCE);

        assertThat(producer.getProperty("compression.type")).isEqualTo("lz4");
        assertThat(producer.getProperty("batch.size")).isEqualTo("262144");
        assertThat(producer.getProperty("linger.ms")).isEqualTo("5");
        assertThat(kafka.consumerProperties())
                .containsEntry("max.poll.records", "2000")
                .containsEntry("max.partition.fetch.bytes", "4194304")
                .doesNotContainKey("fetch.min.bytes");
    }

    @Test
    void userPropertiesWinOverTheTunedDefaultsButNotOverTheGuarantee() {
        KafkaIo custom = kafka.withClientProperty("compression.type", "zstd")
                .withClientProperty("linger.ms", "0")
                .withClientProperty("max.poll.records", "10");

        Properties producer = custom.producerProperties(DeliveryGuarantee.EXACTLY_ONCE);

        assertThat(producer.getProperty("compression.type")).isEqualTo("zstd");
        assertThat(producer.getProperty("linger.ms")).isEqualTo("0");
        assertThat(producer.getProperty("batch.size")).isEqualTo("262144");
        assertThat(producer.getProperty("acks")).isEqualTo("all");
        assertThat(custom.consumerProperties()).containsEntry("max.poll.records", "10");
    }

    @Test
    void withoutTunedDefaultsClientsGetKafkasOwnDefaultsAndTheJobsFixedSettings() {
        KafkaIo plain = kafka.withoutTunedDefaults().withClientProperty("security.protocol", "SSL");

        Properties producer = plain.producerProperties(DeliveryGuarantee.AT_LEAST_ONCE);

        assertThat(producer).doesNotContainKeys("compression.type", "batch.size", "linger.ms", "buffer.memory");
        assertThat(producer.getProperty("acks")).isEqualTo("all");
        assertThat(producer.getProperty("security.protocol")).isEqualTo("SSL");
        assertThat(plain.consumerProperties()).containsOnlyKeys("security.protocol");
    }
}
