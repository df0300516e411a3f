package dev.modelserving.job.sensor.context;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.flink.parse.DeadLetters;
import dev.modelserving.flink.parse.InvalidPayloadException;
import dev.modelserving.flink.parse.ParseLimits;
import dev.modelserving.flink.parse.PayloadParser;
import dev.modelserving.flink.parse.RawRecord;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.proto.ContextUpdate;
import dev.modelserving.proto.RpmMonitoringConfig;

/**
 * Parses the {@code rpm_monitoring_config} context topic (compacted, key {@value SensorContexts#DEFAULT_KEY}) into
 * {@link ContextUpdate}s. A configuration applies to every machine. An empty value (a tombstone, or a configuration
 * with every field unset, which serializes to no bytes) means "the defaults" ({@link RpmMonitoringSettings#DEFAULTS}).
 *
 * <p>Dead letters ({@link DeadLetters#TAG}) with the reason: a Kafka key other than
 * {@value SensorContexts#DEFAULT_KEY} (or none), a payload over {@value #MAX_PAYLOAD_BYTES} bytes, bytes that are
 * not an RpmMonitoringConfig (or carry foreign fields), a deviation ratio outside (0, 10] or not finite, a negative
 * count of acceptable deviations, and a window outside 1 s .. 1 day.
 *
 * <p>Metrics: {@value #PARSED_METRIC} and {@value PayloadParser#DEAD_LETTERS_METRIC}.
 */
public final class RpmMonitoringConfigParser extends PayloadParser<ContextUpdate> {

    private static final long serialVersionUID = 1L;

    /** Operator metric: configurations parsed. */
    public static final String PARSED_METRIC = "rpmConfigsParsed";
    /** Largest payload parsed at all (a configuration takes 22 bytes). */
    public static final int MAX_PAYLOAD_BYTES = 1024;

    public RpmMonitoringConfigParser(ParseLimits limits) {
        super(ProtoTypeInfo.of(ContextUpdate.class), PARSED_METRIC, limits);
    }

    public RpmMonitoringConfigParser() {
        this(ParseLimits.defaults());
    }

    @Override
    protected boolean acceptsEmptyPayload() {
        return true;
    }

    @Override
    protected String expected() {
        return "an RpmMonitoringConfig";
    }

    @Override
    protected ContextUpdate parse(RawRecord raw) throws InvalidPayloadException {
        String key = raw.keyAsString();
        if (key != null && !key.equals(SensorContexts.DEFAULT_KEY)) {
            throw new InvalidPayloadException("rpm_monitoring_config applies to every machine: its Kafka key must be '"
                    + SensorContexts.DEFAULT_KEY + "' (or none), got a key of " + key.length() + " chars");
        }
        byte[] payload = raw.getPayload();
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new InvalidPayloadException(
                    "RpmMonitoringConfig payload of " + payload.length + " bytes, the limit is " + MAX_PAYLOAD_BYTES);
        }
        RpmMonitoringConfig config;
        try {
            config = RpmMonitoringConfig.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidPayloadException(
                    "not an RpmMonitoringConfig (" + payload.length + " bytes): " + e.getMessage(), e);
        }
        requireKnownFields(config, payload.length);
        validate(config);
        return ContextUpdate.newBuilder().setRpmMonitoringConfig(config).build();
    }

    /**
     * Checks the fields a configuration sets.
     *
     * @throws InvalidPayloadException naming the first problem
     */
    static void validate(RpmMonitoringConfig config) throws InvalidPayloadException {
        if (config.hasAcceptableDeviationRatio()) {
            double ratio = config.getAcceptableDeviationRatio();
            if (!(ratio > 0 && ratio <= RpmMonitoringSettings.MAX_DEVIATION_RATIO)) {
                throw new InvalidPayloadException("RpmMonitoringConfig: acceptable_deviation_ratio " + ratio
                        + " is not in (0, " + RpmMonitoringSettings.MAX_DEVIATION_RATIO + "]");
            }
        }
        if (config.hasAcceptableDeviationsPerWindow() && config.getAcceptableDeviationsPerWindow() < 0) {
            throw new InvalidPayloadException("RpmMonitoringConfig: acceptable_deviations_per_window "
                    + config.getAcceptableDeviationsPerWindow() + " is negative");
        }
        if (config.hasWindowMillis()) {
            long window = config.getWindowMillis();
            if (window < RpmMonitoringSettings.MIN_WINDOW_MILLIS || window > RpmMonitoringSettings.MAX_WINDOW_MILLIS) {
                throw new InvalidPayloadException("RpmMonitoringConfig: window_millis " + window + " is not in "
                        + RpmMonitoringSettings.MIN_WINDOW_MILLIS + " .. " + RpmMonitoringSettings.MAX_WINDOW_MILLIS
                        + " (1 s .. 1 day)");
            }
        }
    }
}
