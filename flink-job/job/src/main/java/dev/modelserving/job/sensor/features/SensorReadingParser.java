package dev.modelserving.job.sensor.features;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.flink.parse.InvalidPayloadException;
import dev.modelserving.flink.parse.ParseLimits;
import dev.modelserving.flink.parse.PayloadParser;
import dev.modelserving.flink.parse.RawRecord;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.Identifiers;
import dev.modelserving.proto.SensorReading;

/**
 * Parses raw records into {@link SensorReading}s for the sensor system. Refused (dead letter with the reason): bytes
 * that are no SensorReading or carry fields it does not know, a reading without a usable machine id, a reading
 * without an event time (neither {@code timestamp_millis} nor a Kafka timestamp). A reading whose
 * {@code timestamp_millis} is 0 takes the Kafka record's timestamp, as the serving stage's record parser does.
 * Non-finite values are kept: the feature node drops the windows they are in.
 */
public final class SensorReadingParser extends PayloadParser<SensorReading> {

    private static final long serialVersionUID = 1L;

    /** Operator metric: readings parsed. */
    public static final String PARSED_METRIC = "readingsParsed";

    public SensorReadingParser(ParseLimits limits) {
        super(ProtoTypeInfo.of(SensorReading.class), PARSED_METRIC, limits);
    }

    @Override
    protected String expected() {
        return "a SensorReading";
    }

    @Override
    protected SensorReading parse(RawRecord raw) throws InvalidPayloadException {
        byte[] payload = raw.getPayload();
        SensorReading reading;
        try {
            reading = SensorReading.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidPayloadException(
                    "not a SensorReading (" + payload.length + " bytes): " + e.getMessage(), e);
        }
        requireKnownFields(reading, payload.length);
        if (reading.getMachineId().isBlank()) {
            throw new InvalidPayloadException(
                    "SensorReading without machine_id (timestamp " + reading.getTimestampMillis() + ")");
        }
        require(Identifiers.recordKeyProblem("machine_id", reading.getMachineId()), "SensorReading: ");
        if (reading.getTimestampMillis() == 0) {
            if (raw.getTimestamp() < 0) {
                throw new InvalidPayloadException("SensorReading of machine '" + reading.getMachineId()
                        + "' has no timestamp_millis and its Kafka record no timestamp: no event time");
            }
            reading = reading.toBuilder().setTimestampMillis(raw.getTimestamp()).build();
        }
        if (reading.getTimestampMillis() < 0) {
            throw new InvalidPayloadException("SensorReading of machine '" + reading.getMachineId()
                    + "' has a negative timestamp_millis " + reading.getTimestampMillis());
        }
        return reading;
    }
}
