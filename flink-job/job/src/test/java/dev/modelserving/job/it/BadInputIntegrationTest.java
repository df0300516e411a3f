package dev.modelserving.job.it;

import static dev.modelserving.job.it.ServingChecks.assertScoredBy;
import static dev.modelserving.job.it.ServingChecks.eventFromEach;
import static dev.modelserving.job.it.ServingChecks.exactlyOnePerId;
import static dev.modelserving.job.it.ServingChecks.resultsFor;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad input through Kafka in a MiniCluster, in both modes: unusable bytes become dead letters with their origin and
 * the reason, records nobody serves get NO_MODEL, records a model cannot score get FAILED with the reason, and every
 * record in is accounted for by exactly one result or one dead letter out.
 */
class BadInputIntegrationTest extends ClusterAndBrokerPerClass {

    private static final String DATA_TYPE = "machine";
    private static final String UNSERVED_TYPE = "turbine";
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A payload sent on purpose, where it was written and the reason its dead letter must give. */
    private record BadPayload(byte[] bytes, RecordMetadata written, String reason) {}

    @ParameterizedTest
    @EnumSource(
            value = Mode.class,
            names = {"KEYED", "PARTITIONED"})
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void everyRecordInIsOneResultOrOneDeadLetterOut(Mode mode, @InjectMiniCluster MiniCluster cluster) {
        ServingTopics topics = ServingTopics.create(broker, "bad-input-" + mode);
        int servingInstances = mode == Mode.KEYED ? 1 : LocalFlink.SLOTS;
        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<ServingResult> results = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.results(), ServingResult.parser());
                TopicReader<DeadLetter> deadLetters = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.deadLetters(), DeadLetter.parser());
                TopicReader<ModelEvent> events =
                        TopicReader.readUncommitted(broker.bootstrapServers(), topics.events(), ModelEvent.parser());
                ServingJobRun job = ServingJobRun.start(topics.config(mode, LocalFlink.SLOTS), cluster)) {
            RecordFeed feed = new RecordFeed(producer, topics.data(), DATA_TYPE, 13);
            producer.send(topics.models(), DATA_TYPE, RegressionModels.v2(DATA_TYPE));
            feed.streamUntil(
                    events,
                    eventFromEach(ModelEventType.ACTIVATED, 2, servingInstances),
                    "version 2 is active on every serving instance",
                    WAIT);

            List<String> good = new ArrayList<>(feed.send("good-a", 10));
            List<BadPayload> badRecords = new ArrayList<>();
            byte[] invalidWireType = {0x0f, 0x01, 0x02};
            badRecords.add(new BadPayload(
                    invalidWireType, producer.sendBytes(topics.data(), "k", invalidWireType), "not a DataRecord"));
            byte[] text = "definitely not protobuf".getBytes(StandardCharsets.UTF_8);
            badRecords.add(new BadPayload(text, producer.sendBytes(topics.data(), null, text), "not a DataRecord"));
            good.addAll(feed.send("good-b", 10));
            byte[] noDataType = DataRecord.newBuilder()
                    .setId("typeless")
                    .putFeatures("temperature_c", 1.0)
                    .build()
                    .toByteArray();
            badRecords.add(new BadPayload(
                    noDataType,
                    producer.sendBytes(topics.data(), "k", noDataType),
                    "DataRecord without data_type (id 'typeless')"));
            byte[] empty = new byte[0];
            badRecords.add(new BadPayload(empty, producer.sendBytes(topics.data(), "k", empty), "empty payload"));
            // These two carry a valid data type, so they reach the serving operator, which parses them and refuses.
            byte[] foreignField = withForeignField(
                    feed.record(good.get(0)).toBuilder().setId("foreign").build());
            badRecords.add(new BadPayload(
                    foreignField,
                    producer.sendBytes(topics.data(), "k", foreignField),
                    "not a DataRecord: field 42 is not a DataRecord field"));
            byte[] badKey = feed.record(good.get(0)).toBuilder()
                    .setId("bad-key")
                    .setKey("line\nbreak")
                    .build()
                    .toByteArray();
            badRecords.add(new BadPayload(
                    badKey,
                    producer.sendBytes(topics.data(), "k", badKey),
                    "DataRecord 'bad-key': key contains control character U+000A"));
            byte[] badDescriptor = {0x0f, 0x7f};
            BadPayload badModel = new BadPayload(
                    badDescriptor,
                    producer.sendBytes(topics.models(), DATA_TYPE, badDescriptor),
                    "not a ModelDescriptor");

            List<String> unserved = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                DataRecord record = feed.record(good.get(i)).toBuilder()
                        .setDataType(UNSERVED_TYPE)
                        .setId("unserved-" + i)
                        .build();
                feed.send(record);
                unserved.add(record.getId());
            }
            DataRecord template = feed.record(good.get(0));
            feed.send(template.toBuilder()
                    .setId("missing-feature")
                    .removeFeatures("load_percent")
                    .build());
            feed.send(template.toBuilder()
                    .setId("nan-feature")
                    .putFeatures("fan_rpm", Double.NaN)
                    .build());
            String idless = feed.sendWithoutId(
                    template.toBuilder().setKey("machine-idless").build());
            good.addAll(feed.send("good-c", 10));

            Map<String, ServingResult> byId = exactlyOnePerId(
                    results.awaitUntil("a result for every parsable record", WAIT, resultsFor(feed.ids())), feed.ids());
            List<DeadLetter> letters = deadLetters
                    .awaitUntil(
                            "a dead letter for every unusable payload",
                            WAIT,
                            read -> read.size() >= badRecords.size() + 1)
                    .stream()
                    .map(Consumed::value)
                    .toList();

            for (String id : good) {
                assertScoredBy(byId.get(id), 2, feed.record(id));
            }
            assertScoredBy(byId.get(idless), 2, feed.record(idless));
            assertThat(unserved).allSatisfy(id -> {
                ServingResult result = byId.get(id);
                assertThat(result.getStatus()).isEqualTo(ServingStatus.NO_MODEL);
                assertThat(result.getDataType()).isEqualTo(UNSERVED_TYPE);
                assertThat(result.getKey()).isEqualTo(feed.record(id).getKey());
                assertThat(result.getError()).contains(UNSERVED_TYPE);
                assertThat(result.getOutputsList()).isEmpty();
            });
            assertFailed(byId.get("missing-feature"), "missing feature 'load_percent'");
            assertFailed(byId.get("nan-feature"), "feature 'fan_rpm'", "NaN");

            Map<String, DeadLetter> lettersByOrigin = new LinkedHashMap<>();
            for (DeadLetter letter : letters) {
                DeadLetter earlier = lettersByOrigin.put(origin(letter), letter);
                assertThat(earlier)
                        .as("a second dead letter for %s", origin(letter))
                        .isNull();
            }
            List<BadPayload> allBad = new ArrayList<>(badRecords);
            allBad.add(badModel);
            assertThat(lettersByOrigin.keySet())
                    .as("origins of the dead letters")
                    .containsExactlyInAnyOrderElementsOf(
                            allBad.stream().map(b -> origin(b.written())).toList());
            for (BadPayload bad : allBad) {
                DeadLetter letter = lettersByOrigin.get(origin(bad.written()));
                assertThat(letter.getPayload())
                        .as("payload of %s", origin(bad.written()))
                        .isEqualTo(ByteString.copyFrom(bad.bytes()));
                assertThat(letter.getReason())
                        .as("reason of %s", origin(bad.written()))
                        .contains(bad.reason());
                assertThat(letter.getTimestampMillis()).isPositive();
            }

            int recordsIn = feed.ids().size() + badRecords.size();
            long recordsOut = byId.size()
                    + letters.stream()
                            .filter(l -> l.getSourceTopic().equals(topics.data()))
                            .count();
            assertThat(recordsOut)
                    .as("results + dead letters of the data topic")
                    .isEqualTo(recordsIn);
            assertThat(byId.values())
                    .filteredOn(r -> r.getStatus() == ServingStatus.FAILED)
                    .as("failed results")
                    .extracting(ServingResult::getRecordId)
                    .containsExactlyInAnyOrder("missing-feature", "nan-feature");
            assertThat(byId.values())
                    .filteredOn(r -> r.getDataType().equals(UNSERVED_TYPE))
                    .as("unserved results")
                    .extracting(ServingResult::getRecordId)
                    .containsExactlyInAnyOrderElementsOf(unserved);
            assertThat(job.restarts()).as("restarts").isZero();
        }
    }

    /** A record's bytes followed by field 42, which a DataRecord does not have (a payload of another schema). */
    private static byte[] withForeignField(DataRecord record) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            record.writeTo(bytes);
            com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(bytes);
            out.writeString(42, "a field of another schema");
            out.flush();
            return bytes.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertFailed(ServingResult result, String... reasonParts) {
        assertThat(result.getStatus()).as("status of %s", result.getRecordId()).isEqualTo(ServingStatus.FAILED);
        assertThat(result.getError()).as("error of %s", result.getRecordId()).contains(reasonParts);
        assertThat(result.getModelName()).isEqualTo(RegressionModels.NAME);
        assertThat(result.getModelVersion()).isEqualTo(2L);
        assertThat(result.getOutputsList()).isEmpty();
    }

    private static String origin(DeadLetter letter) {
        return letter.getSourceTopic() + "-" + letter.getSourcePartition() + "@" + letter.getSourceOffset();
    }

    private static String origin(RecordMetadata written) {
        return written.topic() + "-" + written.partition() + "@" + written.offset();
    }
}
