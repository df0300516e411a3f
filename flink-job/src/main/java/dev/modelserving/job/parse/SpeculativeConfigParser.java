package dev.modelserving.job.parse;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.job.io.RawRecord;
import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.SpeculativeConfig;

/**
 * Parses the speculative config topic's raw records into {@link SpeculativeConfig}s. Bytes that do not parse, and
 * configurations that cannot be applied (no data type, a negative deadline, an unknown strategy, SHADOW without a
 * primary model) go to the dead letters with the reason. Metrics: {@value #PARSED_METRIC} and
 * {@value PayloadParser#DEAD_LETTERS_METRIC}.
 */
public class SpeculativeConfigParser extends PayloadParser<SpeculativeConfig> {

    private static final long serialVersionUID = 1L;

    /** Operator metric: configurations parsed. */
    public static final String PARSED_METRIC = "configsParsed";

    public SpeculativeConfigParser() {
        super(SpeculativeConfig.class, PARSED_METRIC);
    }

    @Override
    protected String expected() {
        return "a SpeculativeConfig";
    }

    @Override
    protected SpeculativeConfig parse(RawRecord raw) throws InvalidPayloadException {
        SpeculativeConfig config;
        try {
            config = SpeculativeConfig.parseFrom(raw.getPayload());
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidPayloadException(
                    "not a SpeculativeConfig (" + raw.getPayload().length + " bytes): " + e.getMessage(), e);
        }
        if (config.getDataType().isBlank()) {
            throw new InvalidPayloadException("SpeculativeConfig without data_type");
        }
        if (config.getDeadlineMillis() < 0) {
            throw new InvalidPayloadException("SpeculativeConfig for '" + config.getDataType()
                    + "': negative deadline_millis " + config.getDeadlineMillis());
        }
        if (config.getStrategy() == DecisionStrategy.UNRECOGNIZED) {
            throw new InvalidPayloadException("SpeculativeConfig for '" + config.getDataType()
                    + "': unknown strategy " + config.getStrategyValue());
        }
        if (config.getStrategy() == DecisionStrategy.SHADOW && config.getPrimaryModel().isBlank()) {
            throw new InvalidPayloadException("SpeculativeConfig for '" + config.getDataType()
                    + "': strategy SHADOW needs primary_model");
        }
        return config;
    }
}
