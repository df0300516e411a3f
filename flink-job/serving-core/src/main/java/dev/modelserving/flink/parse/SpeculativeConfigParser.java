package dev.modelserving.flink.parse;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.Identifiers;
import dev.modelserving.proto.DecisionStrategy;
import dev.modelserving.proto.SpeculativeConfig;

/**
 * Parses the speculative config topic's raw records into {@link SpeculativeConfig}s. Bytes that do not parse, bytes
 * with fields a SpeculativeConfig does not know, identifiers ({@code data_type}, model names) that break
 * {@link Identifiers}' rules, a {@code version} outside 0..{@link Identifiers#MAX_VERSION}, a
 * {@code deadline_millis} that is negative or above {@link ParseLimits#maxDeadlineMillis()} ({@code
 * --max-deadline-ms}), an unknown strategy, and SHADOW without a primary model go to the dead letters with the
 * reason. Metrics: {@value #PARSED_METRIC} and {@value PayloadParser#DEAD_LETTERS_METRIC}.
 */
public class SpeculativeConfigParser extends PayloadParser<SpeculativeConfig> {

    private static final long serialVersionUID = 1L;

    /** Operator metric: configurations parsed. */
    public static final String PARSED_METRIC = "configsParsed";

    /** A parser with the default limits. */
    public SpeculativeConfigParser() {
        this(ParseLimits.defaults());
    }

    public SpeculativeConfigParser(ParseLimits limits) {
        super(ProtoTypeInfo.of(SpeculativeConfig.class), PARSED_METRIC, limits);
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
        requireKnownFields(config, raw.getPayload().length);
        if (config.getDataType().isBlank()) {
            throw new InvalidPayloadException("SpeculativeConfig without data_type");
        }
        require(Identifiers.dataTypeProblem("data_type", config.getDataType()), "SpeculativeConfig: ");
        String context = "SpeculativeConfig for '" + config.getDataType() + "': ";
        require(Identifiers.versionProblem("version", config.getVersion(), 0), context);
        if (config.getDeadlineMillis() < 0) {
            throw new InvalidPayloadException(context + "negative deadline_millis " + config.getDeadlineMillis());
        }
        if (config.getDeadlineMillis() > limits().maxDeadlineMillis()) {
            throw new InvalidPayloadException(context + "deadline_millis " + config.getDeadlineMillis()
                    + " is above the cap of " + limits().maxDeadlineMillis() + " ms (--max-deadline-ms)");
        }
        if (config.getStrategy() == DecisionStrategy.UNRECOGNIZED) {
            throw new InvalidPayloadException(context + "unknown strategy " + config.getStrategyValue());
        }
        for (int i = 0; i < config.getModelsCount(); i++) {
            require(Identifiers.modelNameProblem("models[" + i + "]", config.getModels(i)), context);
        }
        for (int i = 0; i < config.getShadowCandidatesCount(); i++) {
            require(
                    Identifiers.modelNameProblem("shadow_candidates[" + i + "]", config.getShadowCandidates(i)),
                    context);
        }
        if (!config.getPrimaryModel().isEmpty()) {
            require(Identifiers.modelNameProblem("primary_model", config.getPrimaryModel()), context);
        }
        if (config.getStrategy() == DecisionStrategy.SHADOW
                && config.getPrimaryModel().isBlank()) {
            throw new InvalidPayloadException(context + "strategy SHADOW needs primary_model");
        }
        return config;
    }
}
