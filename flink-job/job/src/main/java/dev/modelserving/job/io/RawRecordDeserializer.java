package dev.modelserving.job.io;

import dev.modelserving.flink.parse.RawRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every consumed Kafka record into a {@link RawRecord} without looking at its content: parsing happens
 * downstream, where bad bytes become dead letters instead of failing the source. A tombstone (null value) becomes an
 * empty payload; a missing key stays null.
 */
public final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
        out.collect(new RawRecord(
                record.value(), record.key(), record.topic(), record.partition(), record.offset(), record.timestamp()));
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
