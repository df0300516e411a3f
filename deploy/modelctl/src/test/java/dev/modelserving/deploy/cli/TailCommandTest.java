package dev.modelserving.deploy.cli;

import static dev.modelserving.deploy.cli.CliEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code modelctl tail}: each kind decoded to one line, garbage survived, bounded by count, silence or brokers. */
class TailCommandTest {

    /** Not protobuf at all: a varint tag that never ends. */
    private static final byte[] GARBAGE = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    /** Valid protobuf, but field 99 is in no message of ours. */
    private static final byte[] FOREIGN = {(byte) 0x98, 0x06, 0x01};

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = CliTopics.broker("my-results", "dead-letters", "model-events");
        CliTopics.write(
                broker,
                "my-results",
                "m-1",
                List.of(
                        ServingResult.newBuilder()
                                .setRecordId("r-1")
                                .setKey("m-1")
                                .setDataType("sensor")
                                .setStatus(ServingStatus.SCORED)
                                .setModelName("overheat")
                                .setModelVersion(2)
                                .setLabel("hot")
                                .addOutputs(0.25)
                                .addOutputs(0.75)
                                .setLatencyNanos(1_500_000)
                                .build()
                                .toByteArray(),
                        GARBAGE,
                        ServingResult.newBuilder()
                                .setRecordId("r-2")
                                .setKey("m-1")
                                .setDataType("sensor")
                                .setStatus(ServingStatus.FAILED)
                                .setModelName("overheat")
                                .setModelVersion(2)
                                .setError("feature 'fan_rpm' is NaN")
                                .setLatencyNanos(20_000)
                                .build()
                                .toByteArray(),
                        FOREIGN,
                        ServingResult.newBuilder()
                                .setRecordId("r-3")
                                .setKey("m-9")
                                .setDataType("audio")
                                .setStatus(ServingStatus.NO_MODEL)
                                .build()
                                .toByteArray()));
        CliTopics.write(
                broker,
                "dead-letters",
                "x",
                List.of(DeadLetter.newBuilder()
                        .setPayload(ByteString.copyFromUtf8("{oops}!"))
                        .setSourceTopic("sensor-readings")
                        .setSourcePartition(2)
                        .setSourceOffset(41)
                        .setReason("not a SensorReading: truncated")
                        .setTimestampMillis(CliEvents.T0)
                        .build()
                        .toByteArray()));
        CliTopics.write(
                broker,
                "model-events",
                "sensor",
                List.of(event(
                                ModelEventType.ACTIVATED,
                                "sensor",
                                "temperature",
                                2,
                                1,
                                "loaded and validated",
                                0,
                                "serve#1")
                        .toBuilder()
                        .setPreviousModelName("temperature-old")
                        .setDescriptorTopic("models")
                        .setDescriptorOffset(12)
                        .build()
                        .toByteArray()));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static CliRunner.Result tail(String... extra) {
        List<String> args = new ArrayList<>(List.of("tail"));
        args.addAll(List.of(extra));
        args.addAll(List.of("--bootstrap-server", broker.bootstrapServers()));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void resultsAreOneLineEachAndGarbageIsALineNotACrash() {
        CliRunner.Result result = tail("results", "--topic", "my-results", "--from-beginning", "--max-messages", "5");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().lines())
                .containsExactly(
                        "id=r-1 key=m-1 SCORED overheat@2 label=hot outputs=[0.25, 0.75] latency=1.5ms",
                        "unreadable message at my-results-0@1 (3 bytes): not a ServingResult: While parsing a protocol"
                                + " message, the input ended unexpectedly in the middle of a field.  This could mean either"
                                + " that the input has been truncated or that an embedded message misreported its own"
                                + " length.",
                        "id=r-2 key=m-1 FAILED overheat@2 latency=0.02ms error=\"feature 'fan_rpm' is NaN\"",
                        "unreadable message at my-results-0@3 (3 bytes): not a ServingResult: it has an unknown field"
                                + " number 99",
                        "id=r-3 key=m-9 NO_MODEL data_type=audio");
        assertThat(result.err().strip()).isEqualTo("modelctl: processed 5 messages");
    }

    @Test
    void maxMessagesStopsEarly() {
        CliRunner.Result result = tail("results", "--topic", "my-results", "--from-beginning", "--max-messages", "2");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out().lines()).hasSize(2);
    }

    @Test
    void deadLettersNameTheirOriginReasonAndSizeFromTheDefaultTopic() {
        CliRunner.Result result = tail("dead-letters", "--from-beginning", "--timeout-ms", "1500");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().lines())
                .containsExactly("2026-01-01T00:00:00Z sensor-readings-2@41"
                        + " reason=\"not a SensorReading: truncated\" payload=7 bytes");
    }

    @Test
    void eventsShowTypeModelPreviousVersionReasonAndEmitter() {
        CliRunner.Result result = tail("events", "--from-beginning", "--max-messages", "1");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().strip())
                .isEqualTo("2026-01-01T00:00:00Z ACTIVATED sensor temperature@2"
                        + " previous=temperature-old@1 reason=\"loaded and validated\" emitted_by=serve#1"
                        + " descriptor=models-0@12");
    }

    @Test
    void withoutFromBeginningOnlyNewMessagesAreShownAndSilenceEndsTheRun() {
        CliRunner.Result result = tail("events", "--timeout-ms", "1000");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEmpty();
        assertThat(result.err().strip()).isEqualTo("modelctl: processed 0 messages");
    }

    @Test
    void anUnknownKindIsAUsageError() {
        CliRunner.Result result = tail("metrics");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("'metrics' is not one of results, dead-letters, events");
    }

    @Test
    void anUnreachableBrokerIsOneLineWithinTheTimeout() throws Exception {
        int port = CliTopics.closedPort();
        long start = System.nanoTime();
        CliRunner.Result result = CliRunner.run(
                "tail", "results", "--bootstrap-server", "127.0.0.1:" + port, "--broker-timeout-ms", "2000");
        long took = System.nanoTime() - start;

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.errLines())
                .singleElement()
                .asString()
                .startsWith("modelctl: cannot read topic results from 127.0.0.1:" + port)
                .doesNotContain("Exception");
        assertThat(took).isLessThan(Duration.ofSeconds(10).toNanos());
    }
}
