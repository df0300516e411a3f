package dev.modelserving.job.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {

    @Test
    void userPropertiesReachEveryProducerAndTheJobsDeliverySettingsStay() {
        KafkaClientProperties user = KafkaClientProperties.none()
                .withAssignment("security.protocol=SASL_SSL")
                .withAssignment("sasl.jaas.config=x required username=\"a\" password=\"b=c\";")
                .with("ssl.truststore.location", "/etc/kafka/truststore.p12");
        KafkaIo kafka = KafkaIo.forBrokers("127.0.0.1:9093").withClientProperties(user);

        for (DeliveryGuarantee guarantee :
                new DeliveryGuarantee[] {DeliveryGuarantee.EXACTLY_ONCE, DeliveryGuarantee.AT_LEAST_ONCE}) {
            Properties producer = kafka.producerProperties(guarantee);
            assertThat(producer.getProperty("security.protocol")).isEqualTo("SASL_SSL");
            assertThat(producer.getProperty("sasl.jaas.config"))
                    .isEqualTo("x required username=\"a\" password=\"b=c\";");
            assertThat(producer.getProperty("ssl.truststore.location")).isEqualTo("/etc/kafka/truststore.p12");
            assertThat(producer.getProperty("acks")).isEqualTo("all");
            assertThat(producer.getProperty("enable.idempotence")).isEqualTo("true");
        }
        assertThat(kafka.source("records", "g")).isNotNull();
    }

    @Test
    void keysTheJobOwnsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> KafkaClientProperties.none().with("acks", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acks=all");
        assertThatThrownBy(() -> KafkaClientProperties.none().with(" group.id ", "other"))
                .hasMessageContaining("--group-id");
        assertThat(KafkaClientProperties.reservedReason("security.protocol")).isEmpty();
        assertThat(KafkaClientProperties.reservedReason("transactional.id")).isPresent();
    }

    @Test
    void toStringShowsKeysOnlyAndLaterValuesWin() {
        KafkaClientProperties first = KafkaClientProperties.none().with("ssl.key.password", "one_secret");
        KafkaClientProperties both = first.withAll(KafkaClientProperties.none()
                .with("ssl.key.password", "two_secret")
                .with("sasl.mechanism", "PLAIN"));

        assertThat(both.asMap()).containsEntry("ssl.key.password", "two_secret").hasSize(2);
        assertThat(both.toString()).isEqualTo("[sasl.mechanism, ssl.key.password]");
        assertThat(first.asMap())
                .containsEntry("ssl.key.password", "one_secret")
                .hasSize(1);
    }
}
