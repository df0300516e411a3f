package dev.modelserving.deploy.bench;

import dev.modelserving.flink.parse.RawRecord;
import dev.modelserving.job.io.KafkaIo;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The floor: a Flink job that only copies Kafka records (key and value bytes) from one topic to another, with the
 * serving job's own Kafka source ({@link KafkaIo#source}, {@link RawRecord}s) and producer settings
 * ({@link KafkaIo#producerProperties}, at-least-once). Source and sink are chained: no exchange, no parsing. Built
 * from a {@link KafkaIo} with or without its tuned defaults, it gives the tuned and the default-settings floor.
 */
final class CopyJob {

    private CopyJob() {}

    /** Adds the copy pipeline {@code in -> out} (consumer group {@code group}) to {@code env}. */
    static void build(StreamExecutionEnvironment env, KafkaIo kafka, String in, String out, String group) {
        KafkaSink<RawRecord> sink = KafkaSink.<RawRecord>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(kafka.producerProperties(DeliveryGuarantee.AT_LEAST_ONCE))
                .setRecordSerializer(new CopySerializer(out))
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        env.fromSource(kafka.source(in, group), WatermarkStrategy.noWatermarks(), "Kafka copy source: " + in)
                .uid("copy-source")
                .sinkTo(sink)
                .uid("copy-sink")
                .name("Kafka copy sink: " + out);
    }

    /** Writes a consumed record's key and value unchanged to the output topic. */
    static final class CopySerializer implements KafkaRecordSerializationSchema<RawRecord> {

        private static final long serialVersionUID = 1L;

        private final String topic;

        CopySerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(RawRecord record, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, null, timestamp, record.getKey(), record.getPayload());
        }
    }
}
