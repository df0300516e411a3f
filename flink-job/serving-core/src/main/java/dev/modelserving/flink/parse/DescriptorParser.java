package dev.modelserving.flink.parse;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.flink.types.ProtoTypeInfo;
import dev.modelserving.model.Identifiers;
import dev.modelserving.proto.DescriptorOrigin;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;

/**
 * Parses the model topic's raw records into {@link ModelDescriptor}s. Dead letters, with the reason: an empty
 * payload; a payload above {@link ParseLimits#maxDescriptorBytes()} (checked on the raw bytes, so it is never
 * parsed); bytes that do not parse; fields a ModelDescriptor does not know, anywhere in it; a {@code data_type},
 * {@code name} or {@code publisher_id} that breaks {@link Identifiers}' rules; a {@code version} or
 * {@code rollback_to_version} above {@link Identifiers#MAX_VERSION} or negative, a DEPLOY without a version (below 1)
 * and a ROLLBACK without a version to roll back to. What a descriptor means (stale versions, validation) is the
 * serving function's business. The descriptor's {@code origin} is set to the Kafka topic, partition and offset it
 * was consumed from (whatever the publisher put there is overwritten; the signature never covers it), so model
 * events can name the descriptor that caused them. Metrics: {@value #PARSED_METRIC} and
 * {@value PayloadParser#DEAD_LETTERS_METRIC}.
 */
public class DescriptorParser extends PayloadParser<ModelDescriptor> {

    private static final long serialVersionUID = 1L;

    /** Operator metric: descriptors parsed. */
    public static final String PARSED_METRIC = "descriptorsParsed";

    /** A parser with the default limits. */
    public DescriptorParser() {
        this(ParseLimits.defaults());
    }

    public DescriptorParser(ParseLimits limits) {
        super(ProtoTypeInfo.of(ModelDescriptor.class), PARSED_METRIC, limits);
    }

    @Override
    protected String expected() {
        return "a ModelDescriptor";
    }

    @Override
    protected ModelDescriptor parse(RawRecord raw) throws InvalidPayloadException {
        byte[] payload = raw.getPayload();
        if (payload.length > limits().maxDescriptorBytes()) {
            throw new InvalidPayloadException("descriptor of " + payload.length + " bytes exceeds the limit of "
                    + limits().maxDescriptorBytes() + " bytes (--max-descriptor-bytes); not parsed");
        }
        ModelDescriptor descriptor;
        try {
            descriptor = ModelDescriptor.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidPayloadException(
                    "not a ModelDescriptor (" + payload.length + " bytes): " + e.getMessage(), e);
        }
        requireKnownFields(descriptor, payload.length);
        require(Identifiers.modelNameProblem("name", descriptor.getName()), "ModelDescriptor: ");
        String context = "ModelDescriptor '" + descriptor.getName() + "': ";
        require(Identifiers.dataTypeProblem("data_type", descriptor.getDataType()), context);
        require(
                Identifiers.problem(
                        "publisher_id", descriptor.getPublisherId(), Identifiers.MAX_PUBLISHER_ID_LENGTH, false),
                context);
        boolean deploy = descriptor.getAction() == ModelAction.DEPLOY;
        require(
                Identifiers.versionProblem(
                        deploy ? "version (DEPLOY)" : "version", descriptor.getVersion(), deploy ? 1 : 0),
                context);
        boolean rollback = descriptor.getAction() == ModelAction.ROLLBACK;
        require(
                Identifiers.versionProblem(
                        rollback ? "rollback_to_version (ROLLBACK)" : "rollback_to_version",
                        descriptor.getRollbackToVersion(),
                        rollback ? 1 : 0),
                context);
        return descriptor.toBuilder()
                .setOrigin(DescriptorOrigin.newBuilder()
                        .setTopic(raw.getTopic() == null ? "" : raw.getTopic())
                        .setPartition(raw.getPartition())
                        .setOffset(raw.getOffset()))
                .build();
    }
}
