package dev.modelserving.job.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.job.sensor.context.RpmMonitoringSettings;
import dev.modelserving.proto.DeadLetter;
import dev.modelserving.proto.FanCurvePoint;
import dev.modelserving.proto.MachineProperties;
import dev.modelserving.proto.RpmMonitoringConfig;
import dev.modelserving.proto.SensorReading;
import dev.modelserving.proto.SystemAlert;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sensor system's monitoring on a MiniCluster with a real broker: contexts on compacted topics, readings on the
 * records topic, alerts on the alerts topic. Three machines share the curve 30 C: 800, 60 C: 1600, 90 C: 2600 rpm and
 * report at 45 C (1200 rpm expected), ten readings per 10 s window: {@code m-fault}'s fan stands still (every
 * reading deviates), {@code m-ok}'s turns at 1200 rpm (none does), {@code m-mild}'s at 1100 rpm (100 / 1100 = 0.09:
 * deviates only under a ratio below that).
 */
class SensorMonitoringIntegrationTest extends ClusterAndBrokerPerClass {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long WINDOW = 10_000;
    /** A window start (aligned to 10 s). */
    private static final long T0 = 1_000_000_000_000L;

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void alertsTheFaultyMachineOnlyAndFollowsAConfigChangeAndSurvivesABadContext(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        ServingTopics topics = ServingTopics.create(broker, "sensor-monitoring");
        String machinesTopic = topics.prefix() + "-machine-properties";
        String rpmTopic = topics.prefix() + "-rpm-config";
        String alertsTopic = topics.prefix() + "-alerts";
        broker.createCompactedTopics(ServingTopics.PARTITIONS, machinesTopic, rpmTopic);
        broker.createTopics(ServingTopics.PARTITIONS, alertsTopic);
        ServingJobConfig config = topics.config(
                Mode.KEYED,
                1,
                "--data-format",
                "sensor-reading",
                "--sensor-system",
                "--machine-properties-topic",
                machinesTopic,
                "--rpm-config-topic",
                rpmTopic,
                "--alerts-topic",
                alertsTopic);
        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<SystemAlert> alerts =
                        TopicReader.readUncommitted(broker.bootstrapServers(), alertsTopic, SystemAlert.parser());
                TopicReader<DeadLetter> deadLetters = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.deadLetters(), DeadLetter.parser())) {
            for (String machine : List.of("m-fault", "m-ok", "m-mild")) {
                producer.send(machinesTopic, machine, press(machine));
            }
            producer.sendBytes(machinesTopic, "m-bad", new byte[] {(byte) 0xff, 1, 2});
            producer.send(rpmTopic, "default", rpmConfig(0.2));

            try (ServingJobRun run = ServingJobRun.start(config, cluster)) {
                deadLetters.awaitUntil(
                        "the bad machine properties as a dead letter",
                        WAIT,
                        read -> read.stream()
                                .anyMatch(d -> d.value().getSourceTopic().equals(machinesTopic)));
                assertThat(deadLetters.values())
                        .filteredOn(d -> d.getSourceTopic().equals(machinesTopic))
                        .singleElement()
                        .satisfies(d -> assertThat(d.getReason()).contains("not a MachineProperties"));

                // Phase 1, ratio 0.2: windows 0..3; sending window w closes window w - 1 (out-of-orderness 5 s).
                int window = 0;
                for (; window < 4; window++) {
                    sendWindow(producer, topics.data(), window);
                }
                alerts.awaitUntil(
                        "RPM_DEVIATION alerts of m-fault for windows 0, 1 and 2",
                        WAIT,
                        read -> read.stream()
                                        .filter(a -> a.value().getMachineId().equals("m-fault"))
                                        .count()
                                >= 3);
                assertThat(alerts.values()).allSatisfy(alert -> {
                    assertThat(alert.getMachineId()).isEqualTo("m-fault");
                    assertThat(alert.getKind()).isEqualTo(SystemAlert.Kind.RPM_DEVIATION);
                    assertThat(alert.getCount()).isEqualTo(10);
                    assertThat(alert.getThreshold()).isEqualTo(2.0);
                    assertThat(alert.getWindowEndMillis() - alert.getWindowStartMillis())
                            .isEqualTo(WINDOW);
                });

                // Phase 2: a stricter ratio, published during the run, makes m-mild's readings deviate too.
                producer.send(rpmTopic, "default", rpmConfig(0.05));
                long firstWindowAfterChange = T0 + window * WINDOW;
                for (int more = 0; more < 20 && !mildAlerted(alerts); more++, window++) {
                    sendWindow(producer, topics.data(), window);
                }
                assertThat(mildAlerted(alerts))
                        .as("m-mild alerted after the ratio change; %s", run.describe())
                        .isTrue();
                assertThat(alerts.values())
                        .filteredOn(a -> a.getMachineId().equals("m-mild"))
                        .allSatisfy(a ->
                                assertThat(a.getWindowStartMillis()).isGreaterThanOrEqualTo(firstWindowAfterChange));
                assertThat(alerts.values()).noneMatch(a -> a.getMachineId().equals("m-ok"));
                assertThat(alerts.values())
                        .as("one alert per machine and window")
                        .extracting(a -> a.getMachineId() + "@" + a.getWindowStartMillis())
                        .doesNotHaveDuplicates();
                assertThat(run.restarts()).as(run.describe()).isZero();
            }
        }
    }

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void aRestartFromASavepointKeepsContextsAndOpenWindowCounts(@TempDir Path savepoints) throws Exception {
        ServingTopics topics = ServingTopics.create(broker, "sensor-savepoint");
        String machinesTopic = topics.prefix() + "-machine-properties";
        String rpmTopic = topics.prefix() + "-rpm-config";
        String alertsTopic = topics.prefix() + "-alerts";
        broker.createCompactedTopics(ServingTopics.PARTITIONS, machinesTopic, rpmTopic);
        broker.createTopics(ServingTopics.PARTITIONS, alertsTopic);
        ServingJobConfig config = topics.config(
                Mode.KEYED,
                1,
                "--data-format",
                "sensor-reading",
                "--sensor-system",
                "--machine-properties-topic",
                machinesTopic,
                "--rpm-config-topic",
                rpmTopic,
                "--alerts-topic",
                alertsTopic);
        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<SystemAlert> alerts =
                        TopicReader.readUncommitted(broker.bootstrapServers(), alertsTopic, SystemAlert.parser()); ) {
            producer.send(machinesTopic, "m-fault", press("m-fault"));
            producer.send(rpmTopic, "default", rpmConfig(0.2));
            // A bad message after each context (same key, so same partition): their dead letters show that both
            // contexts were read before any reading is sent (a reading of an unknown machine is not judged).
            producer.sendBytes(machinesTopic, "m-fault", new byte[] {(byte) 0xff, 1, 2});
            producer.sendBytes(rpmTopic, "default", new byte[] {(byte) 0xff, 1, 2});
            String savepoint;
            try (ServingJobRun first = ServingJobRun.start(config);
                    TopicReader<DeadLetter> contextDeadLetters = TopicReader.readUncommitted(
                            broker.bootstrapServers(), topics.deadLetters(), DeadLetter.parser())) {
                contextDeadLetters.awaitUntil(
                        "the dead letters of both bad context messages",
                        WAIT,
                        read -> read.stream()
                                        .map(d -> d.value().getSourceTopic())
                                        .distinct()
                                        .count()
                                >= 2);
                awaitContextsApplied(producer, topics.data(), alerts);
                // Two deviating readings in window 0: not more than allowed (2) yet.
                producer.send(topics.data(), "m-fault", reading("m-fault", T0 + 500, 0));
                producer.send(topics.data(), "m-fault", reading("m-fault", T0 + 1_500, 0));
                // The readings only become feature records after a full window, so a garbage record sent after them
                // on the same partition is the sign: its dead letter shows the source emitted both readings before
                // the savepoint's barrier, so the rpm monitoring counted them before its state was taken.
                producer.sendBytes(topics.data(), "m-fault", new byte[] {(byte) 0xff, 0x01});
                TopicReader<DeadLetter> deadLetters = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.deadLetters(), DeadLetter.parser());
                try (deadLetters) {
                    // The topic holds the context messages' dead letters too: wait for the one of the data topic.
                    deadLetters.awaitUntil(
                            "the dead letter sent after the two readings",
                            WAIT,
                            read -> read.stream()
                                    .anyMatch(d -> d.value().getSourceTopic().equals(topics.data())));
                }
                savepoint = first.stopWithSavepoint(savepoints);
            }
            try (ServingJobRun second = ServingJobRun.restore(config, savepoint)) {
                // The third deviating reading of window 0 makes 3 > 2 only with the restored count; the machine's
                // curve and the config come from the restored broadcast state (the context topics are not re-read).
                producer.send(topics.data(), "m-fault", reading("m-fault", T0 + 2_500, 0));
                producer.send(topics.data(), "m-fault", reading("m-fault", T0 + 3 * WINDOW, 1200));
                alerts.awaitUntil(
                        "the alert of window 0",
                        WAIT,
                        read -> read.stream().anyMatch(a -> a.value().getWindowStartMillis() == T0));
                assertThat(alerts.values())
                        .filteredOn(alert -> alert.getWindowStartMillis() >= T0)
                        .singleElement()
                        .satisfies(alert -> {
                            assertThat(alert.getMachineId()).isEqualTo("m-fault");
                            assertThat(alert.getWindowStartMillis()).isEqualTo(T0);
                            assertThat(alert.getCount()).isEqualTo(3);
                        });
            }
        }
    }

    private static boolean mildAlerted(TopicReader<SystemAlert> alerts) {
        return alerts.readAvailable().stream()
                .anyMatch(a -> a.value().getMachineId().equals("m-mild"));
    }

    /**
     * The dead letters of the bad context messages show the contexts were parsed, not that the monitoring operator
     * applied them: readings reach it by another path. A reading that comes before its machine's context is not
     * judged, and one that comes after the machine but before the rpm config opens a window of the default length
     * (10 minutes), which would then count the readings of window 0 too. An alert of a 10-second window proves both
     * were applied: three deviating readings in an early window, closed by a normal reading in the next one, sent again
     * 20 minutes later until one gives such an alert (a default window opened by an attempt has closed by the next
     * one). The last attempt is 20 minutes before window 0, and the watermark stays below it.
     */
    private static void awaitContextsApplied(ProtoProducer producer, String topic, TopicReader<SystemAlert> alerts) {
        long apart = 2 * RpmMonitoringSettings.DEFAULT_WINDOW_MILLIS;
        for (int attempt = 10; attempt >= 1; attempt--) {
            long start = T0 - attempt * apart;
            for (int i = 0; i < 3; i++) {
                producer.send(topic, "m-fault", reading("m-fault", start + 500 + i * 1_000L, 0));
            }
            producer.send(topic, "m-fault", reading("m-fault", start + WINDOW + 6_000, 1200));
            if (alerts.readUntil(
                    Duration.ofSeconds(5),
                    read -> read.stream()
                            .anyMatch(a ->
                                    a.value().getWindowEndMillis() - a.value().getWindowStartMillis() == WINDOW))) {
                return;
            }
        }
        throw new AssertionError("no alert of a 10-second window: the contexts were never applied");
    }

    /** Ten readings of each machine in window {@code w}, at 0.5 s, 1.5 s, ... 9.5 s into it. */
    private static void sendWindow(ProtoProducer producer, String topic, int w) {
        for (int i = 0; i < 10; i++) {
            long time = T0 + w * WINDOW + 500 + i * 1_000L;
            producer.send(topic, "m-fault", reading("m-fault", time, 0));
            producer.send(topic, "m-ok", reading("m-ok", time, 1200));
            producer.send(topic, "m-mild", reading("m-mild", time, 1100));
        }
    }

    private static SensorReading reading(String machine, long time, double rpm) {
        return SensorReading.newBuilder()
                .setMachineId(machine)
                .setTimestampMillis(time)
                .setTemperatureC(45)
                .setFanRpm(rpm)
                .setLoadPercent(50)
                .build();
    }

    private static MachineProperties press(String machine) {
        return MachineProperties.newBuilder()
                .setMachineId(machine)
                .setName("Press " + machine)
                .setAlertTemperatureC(85)
                .addFanCurve(FanCurvePoint.newBuilder().setTemperatureC(30).setRpm(800))
                .addFanCurve(FanCurvePoint.newBuilder().setTemperatureC(60).setRpm(1600))
                .addFanCurve(FanCurvePoint.newBuilder().setTemperatureC(90).setRpm(2600))
                .build();
    }

    private static RpmMonitoringConfig rpmConfig(double ratio) {
        return RpmMonitoringConfig.newBuilder()
                .setAcceptableDeviationRatio(ratio)
                .setAcceptableDeviationsPerWindow(2)
                .setWindowMillis(WINDOW)
                .build();
    }
}
