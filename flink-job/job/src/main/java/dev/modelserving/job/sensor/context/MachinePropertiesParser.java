package dev.modelserving.job.sensor.context;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.flink.parse.DeadLetters;
import dev.modelserving.flink.parse.InvalidPayloadException;
import dev.modelserving.flink.parse.ParseLimits;
import dev.modelserving.flink.parse.PayloadParser;
import dev.modelserving.flink.parse.RawRecord;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.Identifiers;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.FanCurvePoint;
import dev.modelserving.proto.MachineProperties;
import java.util.Optional;

/**
 * Parses the {@code machine_properties} context topic (compacted, key = machine id) into {@link ContextUpdate}s: a
 * {@link MachineProperties} value sets the machine, a tombstone (null value) with the machine id as key removes it
 * ({@code removed_machine_id}).
 *
 * <p>Dead letters ({@link DeadLetters#TAG}) with the reason: a payload over {@value #MAX_PAYLOAD_BYTES} bytes, bytes
 * that are not a MachineProperties (or carry fields foreign to it), a blank machine id or one that breaks
 * {@link Identifiers}' rules, a Kafka key other than the machine id, a name longer than {@value #MAX_NAME_LENGTH}
 * chars or with control characters, a fan curve with no point or more than {@value #MAX_CURVE_POINTS}, a point with
 * a non-finite value or a negative rpm, temperatures that do not increase strictly, a non-finite alert temperature,
 * and a tombstone without a usable key.
 *
 * <p>Metrics: {@value #PARSED_METRIC} (set and removed) and {@value PayloadParser#DEAD_LETTERS_METRIC}.
 */
public final class MachinePropertiesParser extends PayloadParser<ContextUpdate> {

    private static final long serialVersionUID = 1L;

    /** Operator metric: context updates parsed (machines set or removed). */
    public static final String PARSED_METRIC = "machinePropertiesParsed";
    /** Largest payload parsed at all (64 points take about 1.2 KB). */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;
    /** Most points of a fan curve. */
    public static final int MAX_CURVE_POINTS = 64;
    /** Longest machine name (chars). */
    public static final int MAX_NAME_LENGTH = 256;

    public MachinePropertiesParser(ParseLimits limits) {
        super(ProtoTypeInfo.of(ContextUpdate.class), PARSED_METRIC, limits);
    }

    public MachinePropertiesParser() {
        this(ParseLimits.defaults());
    }

    @Override
    protected boolean acceptsEmptyPayload() {
        return true;
    }

    @Override
    protected String expected() {
        return "a MachineProperties (or a tombstone keyed by machine id)";
    }

    @Override
    protected ContextUpdate parse(RawRecord raw) throws InvalidPayloadException {
        byte[] payload = raw.getPayload();
        String key = raw.keyAsString();
        if (payload.length == 0) {
            if (key == null || key.isBlank()) {
                throw new InvalidPayloadException(
                        "a tombstone on machine_properties without a key: no machine id to remove");
            }
            require(machineIdProblem("key (machine id of the tombstone)", key), "machine_properties tombstone: ");
            return ContextUpdate.newBuilder().setRemovedMachineId(key).build();
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new InvalidPayloadException(
                    "MachineProperties payload of " + payload.length + " bytes, the limit is " + MAX_PAYLOAD_BYTES);
        }
        MachineProperties machine;
        try {
            machine = MachineProperties.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidPayloadException(
                    "not a MachineProperties (" + payload.length + " bytes): " + e.getMessage(), e);
        }
        requireKnownFields(machine, payload.length);
        validate(machine, key);
        return ContextUpdate.newBuilder().setMachineProperties(machine).build();
    }

    /**
     * Checks a machine's properties; {@code key} is the Kafka key (null when the record had none).
     *
     * @throws InvalidPayloadException naming the first problem
     */
    static void validate(MachineProperties machine, String key) throws InvalidPayloadException {
        String id = machine.getMachineId();
        require(machineIdProblem("machine_id", id), "MachineProperties: ");
        String context = "MachineProperties '" + id + "': ";
        if (key != null && !key.equals(id)) {
            throw new InvalidPayloadException(context + "the Kafka key is not the machine id (the compacted topic"
                    + " keeps the last value per key, so key and machine_id must be the same)");
        }
        require(Identifiers.problem("name", machine.getName(), MAX_NAME_LENGTH, false), context);
        int points = machine.getFanCurveCount();
        if (points == 0) {
            throw new InvalidPayloadException(context + "fan_curve has no point");
        }
        if (points > MAX_CURVE_POINTS) {
            throw new InvalidPayloadException(
                    context + "fan_curve has " + points + " points, the limit is " + MAX_CURVE_POINTS);
        }
        for (int i = 0; i < points; i++) {
            FanCurvePoint point = machine.getFanCurve(i);
            if (!Double.isFinite(point.getTemperatureC()) || !Double.isFinite(point.getRpm())) {
                throw new InvalidPayloadException(context + "fan_curve point " + i + " (" + point.getTemperatureC()
                        + " C, " + point.getRpm() + " rpm) is not finite");
            }
            if (point.getRpm() < 0) {
                throw new InvalidPayloadException(
                        context + "fan_curve point " + i + " has a negative rpm (" + point.getRpm() + ")");
            }
            if (i > 0 && !(point.getTemperatureC() > machine.getFanCurve(i - 1).getTemperatureC())) {
                throw new InvalidPayloadException(context + "fan_curve temperatures must increase strictly, but point "
                        + i + " (" + point.getTemperatureC() + " C) follows "
                        + machine.getFanCurve(i - 1).getTemperatureC() + " C");
            }
        }
        if (!Double.isFinite(machine.getAlertTemperatureC())) {
            throw new InvalidPayloadException(
                    context + "alert_temperature_c is not finite (" + machine.getAlertTemperatureC() + ")");
        }
    }

    /** The problem with a machine id (required, no control characters, at most the record key length), or empty. */
    static Optional<String> machineIdProblem(String field, String id) {
        return Identifiers.problem(field, id, Identifiers.MAX_RECORD_KEY_LENGTH, true);
    }
}
