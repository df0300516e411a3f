package dev.modelserving.job.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.job.it.Consumed;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.SensorReading;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.proto.SpeculativeConfig;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The inputs of issue 8's table, one test each, thrown at a running job (MiniCluster, real broker, checkpointing on
 * and a restart strategy that restarts): each must come out as a dead letter, a FAILED result or a refused
 * configuration with a reason, the good model must keep serving, and the job must keep RUNNING with 0 restarts.
 * The overflowing shape runs last: where it is not checked, TensorFlow aborts the whole test JVM, and the other rows
 * should have reported by then.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputRowsTest extends HostileSuiteSetup {

    /** Dead letters copy at most this much of a payload (the job's default). */
    static final int DEAD_LETTER_PAYLOAD_CAP = 64 * 1024;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void descriptorWithAControlCharacterInItsDataTypeIsADeadLetterInSpeculativeMode(
            @InjectMiniCluster MiniCluster cluster) {
        try (UnderAttack attack = UnderAttack.start(broker, cluster, "row-control-char", "machine", Mode.SPECULATIVE)) {
            attack.publishAndAwaitActive(HostileModels.regression("machine"), 1);

            Sent hostile = attack.producer.send(
                    attack.topics.models(),
                    "machine",
                    HostileModels.regression("mach\u001Fine").toByteArray());

            DeadLetter letter = awaitDeadLetter(attack, hostile);
            assertThat(letter.getReason()).as("reason of the dead letter").contains("data_type");
            attack.assertGoodModelServes("after-control-char", 10);
            attack.assertNoRestarts();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void unparseableMessagesAboveOneMebibyteOnTheRecordsAndModelsTopicsAreCappedDeadLetters(
            @InjectMiniCluster MiniCluster cluster) {
        try (UnderAttack attack = UnderAttack.start(broker, cluster, "row-huge", "machine", Mode.KEYED)) {
            attack.publishAndAwaitActive(HostileModels.regression("machine"), 1);

            byte[] huge = new byte[1536 * 1024];
            new Random(3).nextBytes(huge);
            huge[0] = 0x0f; // field 1 with wire type 7: never a valid message
            List<Sent> hostile = new ArrayList<>(attack.sendRecords(List.of(huge)));
            hostile.add(attack.producer.send(attack.topics.models(), "machine", huge));

            for (Sent sent : hostile) {
                DeadLetter letter = awaitDeadLetter(attack, sent);
                assertThat(letter.getPayload().size())
                        .as("bytes a dead letter copies of %s", sent.origin())
                        .isPositive()
                        .isLessThanOrEqualTo(DEAD_LETTER_PAYLOAD_CAP);
                assertThat(ByteString.copyFrom(huge).startsWith(letter.getPayload()))
                        .as("the dead letter of %s keeps a prefix of the payload", sent.origin())
                        .isTrue();
                assertThat(field(letter, "payload_sha256"))
                        .as("payload_sha256 of %s", sent.origin())
                        .isEqualTo(sha256(huge));
                assertThat(field(letter, "payload_size"))
                        .as("payload_size of %s", sent.origin())
                        .isEqualTo((long) huge.length);
                assertThat(letter.getReason()).isNotBlank();
            }
            attack.assertGoodModelServes("after-huge", 10);
            attack.assertNoRestarts();
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void recordWithAnOverflowingVectorShapeIsFailedBeforeTensorFlowSeesIt(@InjectMiniCluster MiniCluster cluster) {
        try (UnderAttack attack = UnderAttack.start(broker, cluster, "row-shape", "vectors", Mode.KEYED)) {
            attack.publishAndAwaitActive(HostileModels.dynamicShapeGraph("vectors"), 1);

            DataRecord overflowing = DataRecord.newBuilder()
                    .setDataType("vectors")
                    .setId("overflowing-shape")
                    .addVector(1.0f)
                    .addVectorShape(Long.MAX_VALUE)
                    .addVectorShape(Long.MAX_VALUE)
                    .build();
            attack.sendRecords(List.of(overflowing.toByteArray()));
            Random random = new Random(4);
            List<DataRecord> good = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                good.add(HostileModels.vectorRecord("vectors", "vector-" + i, HostileModels.features(random)));
            }
            attack.sendRecords(good.stream().map(DataRecord::toByteArray).toList());

            Set<String> ids = Set.of("overflowing-shape", "vector-0", "vector-9");
            Map<String, ServingResult> byId = attack
                    .results
                    .awaitUntil(
                            () -> "results of the shaped records (" + attack.job.describe() + ")",
                            UnderAttack.WAIT,
                            read -> read.stream()
                                            .map(r -> r.value().getRecordId())
                                            .collect(Collectors.toSet())
                                            .containsAll(ids)
                                    && read.size() >= 11)
                    .stream()
                    .map(Consumed::value)
                    .collect(Collectors.toMap(ServingResult::getRecordId, r -> r, (a, b) -> a));
            ServingResult failed = byId.get("overflowing-shape");
            assertThat(failed.getStatus())
                    .as("status of the overflowing shape (%s)", failed.getError())
                    .isEqualTo(ServingStatus.FAILED);
            assertThat(failed.getError()).as("error of the overflowing shape").containsIgnoringCase("shape");
            for (DataRecord record : good) {
                HostileModels.assertScoredByGraph(byId.get(record.getId()), record);
            }
            attack.assertNoRestarts();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void speculativeConfigWithAOneYearDeadlineNamingAnUnknownModelIsRefused(@InjectMiniCluster MiniCluster cluster) {
        try (UnderAttack attack = UnderAttack.start(broker, cluster, "row-deadline", "machine", Mode.SPECULATIVE)) {
            attack.publishAndAwaitActive(HostileModels.regression("machine"), 1);

            SpeculativeConfig yearLong = SpeculativeConfig.newBuilder()
                    .setDataType("machine")
                    .setVersion(1)
                    .setDeadlineMillis(Duration.ofDays(365).toMillis())
                    .addModels("ghost")
                    .build();
            Sent hostile = attack.producer.send(attack.topics.configs(), "machine", yearLong.toByteArray());

            attack.deadLetters.readUntil(
                    Duration.ofSeconds(10),
                    read -> read.stream().anyMatch(l -> Sent.originOf(l.value()).equals(hostile.origin())));
            List<DeadLetter> letters = attack.deadLettersOf(attack.topics.configs());
            List<ModelEvent> rejections = attack.events.readAvailable().stream()
                    .map(Consumed::value)
                    .filter(e -> e.getType() == ModelEventType.REJECTED
                            && e.getReason().contains("ghost"))
                    .toList();
            assertThat(letters.stream()
                                    .filter(l -> Sent.originOf(l).equals(hostile.origin())
                                            && l.getReason().contains("deadline_millis"))
                                    .count()
                            + rejections.size())
                    .as(
                            "a dead letter naming the deadline cap, or a REJECTED event naming the unknown model;"
                                    + " dead letters %s, events %s",
                            letters, attack.events.values())
                    .isPositive();
            attack.assertGoodModelServes("after-year-deadline", 10);
            attack.assertNoRestarts();
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void dataRecordsSentToAJobReadingSensorReadingsAreDeadLetters(@InjectMiniCluster MiniCluster cluster) {
        try (UnderAttack attack = UnderAttack.start(
                broker, cluster, "row-format", "sensor", Mode.KEYED, "--data-format", "sensor-reading")) {
            Random random = new Random(8);
            List<byte[]> dataRecords = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                dataRecords.add(HostileModels.record("sensor", "wine-" + i, HostileModels.features(random))
                        .toByteArray());
            }
            List<Sent> hostile = attack.producer.sendAll(attack.topics.data(), "machine-7", dataRecords);
            // A real reading after them, on the same partition: once its result is there, theirs would be too.
            SensorReading reading = SensorReading.newBuilder()
                    .setMachineId("machine-7")
                    .setTimestampMillis(1_000)
                    .setTemperatureC(60)
                    .setFanRpm(1500)
                    .setLoadPercent(40)
                    .build();
            attack.producer.send(attack.topics.data(), "machine-7", reading.toByteArray());

            List<ServingResult> results = attack
                    .results
                    .awaitUntil(
                            () -> "the result of the real reading (" + attack.job.describe() + ")",
                            UnderAttack.WAIT,
                            read -> read.stream()
                                    .anyMatch(r -> r.value().getRecordId().equals("machine-7-1000")))
                    .stream()
                    .map(Consumed::value)
                    .toList();
            assertThat(results)
                    .as("results: only the real reading's")
                    .extracting(ServingResult::getRecordId)
                    .containsExactly("machine-7-1000");
            for (Sent sent : hostile) {
                assertThat(awaitDeadLetter(attack, sent).getReason())
                        .as("reason of %s", sent.origin())
                        .contains("not a SensorReading");
            }
            attack.assertNoRestarts();
        }
    }

    private static DeadLetter awaitDeadLetter(UnderAttack attack, Sent sent) {
        return attack
                .deadLetters
                .awaitUntil(
                        () -> "the dead letter of " + sent.origin() + " (" + attack.job.describe() + ")",
                        UnderAttack.WAIT,
                        read -> read.stream()
                                .anyMatch(l -> Sent.originOf(l.value()).equals(sent.origin())))
                .stream()
                .map(Consumed::value)
                .filter(l -> Sent.originOf(l).equals(sent.origin()))
                .findFirst()
                .orElseThrow();
    }

    /** A field of a dead letter by name (fields added by later schema versions are looked up, not compiled in). */
    private static Object field(DeadLetter letter, String name) {
        FieldDescriptor field = letter.getDescriptorForType().findFieldByName(name);
        assertThat(field).as("DeadLetter field %s", name).isNotNull();
        return letter.getField(field);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
