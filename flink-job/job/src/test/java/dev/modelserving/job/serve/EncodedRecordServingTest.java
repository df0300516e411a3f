package dev.modelserving.job.serve;

import static dev.modelserving.job.serve.ServingHarnesses.await;
import static dev.modelserving.job.serve.ServingHarnesses.count;
import static dev.modelserving.job.serve.ServingHarnesses.keyedEvents;
import static dev.modelserving.job.serve.ServingHarnesses.partitionedEvents;
import static dev.modelserving.job.serve.ServingHarnesses.partitionedResults;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedOutputStream;
import dev.modelserving.flink.parse.DeadLetters;
import dev.modelserving.flink.parse.EncodedRecord;
import dev.modelserving.flink.parse.ParseLimits;
import dev.modelserving.flink.parse.RawRecord;
import dev.modelserving.flink.parse.RecordInput;
import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.flink.types.ProtoSerializer;
import dev.modelserving.model.TestDescriptors;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingOutput;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoStreamFlatMap;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Records that reach the serving functions in their Kafka bytes ({@link RecordInput#encoded}): parsed and completed
 * there, and a record that does not parse is a dead letter while the records around it are served.
 */
class EncodedRecordServingTest {

    private static final ModelDescriptor MODEL =
            TestDescriptors.constant("10").setVersion(1).build();

    /** TestDescriptors.record(1) without its id: the serving function completes it from the Kafka record. */
    private static EncodedRecord good(long offset) {
        byte[] bytes = TestDescriptors.record(1).toBuilder().clearId().build().toByteArray();
        return new EncodedRecord("test", new RawRecord(bytes, null, "records", 0, offset, 1_000L));
    }

    /** A record of data type "test" with a field of another schema: its data type reads, the record does not. */
    private static EncodedRecord foreign(long offset) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TestDescriptors.record(1).writeTo(bytes);
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeString(42, "not a DataRecord field");
        out.flush();
        return new EncodedRecord("test", new RawRecord(bytes.toByteArray(), null, "records", 0, offset, 1_000L));
    }

    @Test
    void keyedServingParsesOnceAndSendsWhatDoesNotParseToTheDeadLetters() throws Exception {
        try (var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new KeyedModelServing<>(
                        RecordInput.encoded(ParseLimits.defaults()), ServingSettings.defaults())),
                EncodedRecord::getDataType,
                ModelDescriptor::getDataType,
                Types.STRING)) {
            harness.setup(new ProtoSerializer<>(ServingResult.class));
            harness.open();
            long[] now = {0};
            harness.processElement2(MODEL, now[0]);
            await(
                    "activation",
                    () -> count(keyedEvents(harness), ModelEventType.ACTIVATED, 1) > 0,
                    () -> harness.setProcessingTime(now[0] += KeyedModelServing.POLL_INTERVAL_MILLIS));

            harness.processElement1(good(1), now[0]);
            harness.processElement1(foreign(2), now[0]);
            harness.processElement1(good(3), now[0]);

            assertThat(harness.extractOutputValues())
                    .extracting(ServingResult::getStatus, ServingResult::getRecordId)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(ServingStatus.SCORED, "records-0-1"),
                            org.assertj.core.groups.Tuple.tuple(ServingStatus.SCORED, "records-0-3"));
            List<DeadLetter> letters = harness.getSideOutput(DeadLetters.TAG).stream()
                    .map(StreamRecord::getValue)
                    .toList();
            assertThat(letters).singleElement().satisfies(letter -> {
                assertThat(letter.getReason()).startsWith("not a DataRecord: field 42");
                assertThat(letter.getSourceOffset()).isEqualTo(2L);
            });
        }
    }

    @Test
    void partitionedServingEmitsTheDeadLetterAmongItsOutputs() throws Exception {
        try (var harness = new TwoInputStreamOperatorTestHarness<>(new CoStreamFlatMap<>(new PartitionedModelServing<>(
                RecordInput.encoded(ParseLimits.defaults()), ServingSettings.defaults())))) {
            harness.setup(new ProtoSerializer<>(ServingOutput.class));
            harness.open();
            harness.processElement2(MODEL, 0L);
            long[] offset = {100};
            // A CoFlatMap has no timers: the candidate becomes current at the next element.
            await(
                    "activation",
                    () -> count(partitionedEvents(harness), ModelEventType.ACTIVATED, 1) > 0,
                    () -> harness.processElement1(good(offset[0]++), 0L));
            int before = partitionedResults(harness).size();

            harness.processElement1(foreign(7), 0L);
            harness.processElement1(good(8), 0L);

            assertThat(partitionedResults(harness)
                            .subList(before, partitionedResults(harness).size()))
                    .singleElement()
                    .satisfies(result -> {
                        assertThat(result.getStatus()).isEqualTo(ServingStatus.SCORED);
                        assertThat(result.getRecordId()).isEqualTo("records-0-8");
                    });
            assertThat(harness.extractOutputValues().stream()
                            .filter(ServingOutput::hasDeadLetter)
                            .map(ServingOutput::getDeadLetter))
                    .singleElement()
                    .satisfies(letter -> {
                        assertThat(letter.getReason()).startsWith("not a DataRecord: field 42");
                        assertThat(letter.getSourceOffset()).isEqualTo(7L);
                    });
        }
    }
}
