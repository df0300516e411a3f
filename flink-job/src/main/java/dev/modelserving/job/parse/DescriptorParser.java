package dev.modelserving.job.parse;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.modelserving.job.io.RawRecord;
import dev.modelserving.proto.ModelDescriptor;

/**
 * Parses the model topic's raw records into {@link ModelDescriptor}s. An empty payload or bytes that do not parse go
 * to the dead letters with the reason; what a descriptor means (stale versions, validation) is the serving function's
 * business. Metrics: {@value #PARSED_METRIC} and {@value PayloadParser#DEAD_LETTERS_METRIC}.
 */
public class DescriptorParser extends PayloadParser<ModelDescriptor> {

    private static final long serialVersionUID = 1L;

    /** Operator metric: descriptors parsed. */
    public static final String PARSED_METRIC = "descriptorsParsed";

    public DescriptorParser() {
        super(ModelDescriptor.class, PARSED_METRIC);
    }

    @Override
    protected String expected() {
        return "a ModelDescriptor";
    }

    @Override
    protected ModelDescriptor parse(RawRecord raw) throws InvalidPayloadException {
        try {
            return ModelDescriptor.parseFrom(raw.getPayload());
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidPayloadException(
                    "not a ModelDescriptor (" + raw.getPayload().length + " bytes): " + e.getMessage(), e);
        }
    }
}
