package dev.modelserving.flink.parse;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.DescriptorOrigin;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import org.junit.jupiter.api.Test;

class DescriptorParserTest {

    private static RawRecord raw(byte[] payload, long offset) {
        return new RawRecord(payload, null, "models", 0, offset, 1_000L);
    }

    @Test
    void descriptorBytesBecomeTheDescriptorAndAreCounted() throws Exception {
        ModelDescriptor descriptor = ModelDescriptor.newBuilder()
                .setName("wine-quality")
                .setVersion(3)
                .setDataType("wine")
                .setModelType(ModelType.PMML)
                .setArtifactBytes(ByteString.copyFromUtf8("<PMML/>"))
                .build();
        try (ParserHarness<ModelDescriptor> harness = new ParserHarness<>(new DescriptorParser())) {
            harness.process(raw(descriptor.toByteArray(), 4L));

            assertThat(harness.output())
                    .as("the descriptor, with where it was consumed")
                    .containsExactly(descriptor.toBuilder()
                            .setOrigin(DescriptorOrigin.newBuilder()
                                    .setTopic("models")
                                    .setPartition(0)
                                    .setOffset(4L))
                            .build());
            assertThat(harness.deadLetters()).isEmpty();
            assertThat(harness.counter(DescriptorParser.PARSED_METRIC)).isEqualTo(1);
        }
    }

    @Test
    void anOriginSetByThePublisherIsOverwrittenWithTheRealOne() throws Exception {
        ModelDescriptor claimed = ModelDescriptor.newBuilder()
                .setName("wine-quality")
                .setVersion(3)
                .setDataType("wine")
                .setModelType(ModelType.PMML)
                .setArtifactBytes(ByteString.copyFromUtf8("<PMML/>"))
                .setOrigin(DescriptorOrigin.newBuilder()
                        .setTopic("elsewhere")
                        .setPartition(9)
                        .setOffset(1))
                .build();
        try (ParserHarness<ModelDescriptor> harness = new ParserHarness<>(new DescriptorParser())) {
            harness.process(new RawRecord(claimed.toByteArray(), null, "models", 2, 77L, 1_000L));

            assertThat(harness.output()).singleElement().satisfies(d -> {
                assertThat(d.getOrigin().getTopic()).isEqualTo("models");
                assertThat(d.getOrigin().getPartition()).isEqualTo(2);
                assertThat(d.getOrigin().getOffset()).isEqualTo(77L);
                assertThat(d.toBuilder().clearOrigin().build())
                        .isEqualTo(claimed.toBuilder().clearOrigin().build());
            });
        }
    }

    @Test
    void unparseableAndEmptyDescriptorsAreDeadLettersWithOriginAndReason() throws Exception {
        byte[] truncated = {0x0a, 0x10, 'w', 'i', 'n', 'e'};
        try (ParserHarness<ModelDescriptor> harness = new ParserHarness<>(new DescriptorParser())) {
            harness.process(raw(truncated, 5L));
            harness.process(raw(new byte[0], 6L));

            assertThat(harness.output()).isEmpty();
            assertThat(harness.deadLetters())
                    .satisfiesExactly(
                            letter -> {
                                assertThat(letter.getReason()).startsWith("not a ModelDescriptor (6 bytes)");
                                assertThat(letter.getPayload()).isEqualTo(ByteString.copyFrom(truncated));
                                assertThat(letter.getSourceTopic()).isEqualTo("models");
                                assertThat(letter.getSourceOffset()).isEqualTo(5L);
                            },
                            letter -> {
                                assertThat(letter.getReason())
                                        .contains("empty payload")
                                        .contains("ModelDescriptor");
                                assertThat(letter.getSourceOffset()).isEqualTo(6L);
                            });
            assertThat(harness.deadLetters())
                    .extracting(DeadLetter::getSourcePartition)
                    .containsOnly(0);
            assertThat(harness.counter(PayloadParser.DEAD_LETTERS_METRIC)).isEqualTo(2);
            assertThat(harness.counter(DescriptorParser.PARSED_METRIC)).isZero();
        }
    }
}
