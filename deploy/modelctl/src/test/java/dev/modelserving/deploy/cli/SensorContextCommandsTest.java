package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.proto.FanCurvePoint;
import dev.modelserving.proto.MachineProperties;
import dev.modelserving.proto.RpmMonitoringConfig;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code machine set|show|remove} and {@code rpm-config set|show} against a real broker. */
class SensorContextCommandsTest {

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = CliTopics.broker("machines", "rpm", "refused-machines");
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void machineSetPublishesKeyedPropertiesAndRemovePublishesATombstone() throws Exception {
        CliRunner.Result set = CliRunner.run(
                "machine",
                "set",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "machines",
                "--id",
                "m-1",
                "--name",
                "Press 1",
                "--curve",
                "30:800,60:1600,90:2600",
                "--alert-temperature",
                "85");
        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out())
                .contains("set machine m-1 'Press 1' curve 30:800,60:1600,90:2600 alert 85 C to machines-0");
        CliRunner.Result second = CliRunner.run(
                "machine",
                "set",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "machines",
                "--id",
                "m-2",
                "--curve",
                "20:500",
                "--alert-temperature",
                "70.5");
        assertThat(second.exitCode()).as(second.err()).isZero();

        List<ConsumerRecord<String, byte[]>> written = CliTopics.readAll(broker, "machines", 2);
        assertThat(written.get(0).key()).isEqualTo("m-1");
        assertThat(MachineProperties.parseFrom(written.get(0).value()))
                .isEqualTo(MachineProperties.newBuilder()
                        .setMachineId("m-1")
                        .setName("Press 1")
                        .setAlertTemperatureC(85)
                        .addFanCurve(
                                FanCurvePoint.newBuilder().setTemperatureC(30).setRpm(800))
                        .addFanCurve(
                                FanCurvePoint.newBuilder().setTemperatureC(60).setRpm(1600))
                        .addFanCurve(
                                FanCurvePoint.newBuilder().setTemperatureC(90).setRpm(2600))
                        .build());

        CliRunner.Result show = CliRunner.run(
                "machine", "show", "--bootstrap-server", broker.bootstrapServers(), "--topic", "machines");
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out().lines())
                .containsExactly(
                        "m-1 'Press 1' curve 30:800,60:1600,90:2600 alert 85 C", "m-2 '' curve 20:500 alert 70.5 C");

        CliRunner.Result remove = CliRunner.run(
                "machine",
                "remove",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "machines",
                "--id",
                "m-1");
        assertThat(remove.exitCode()).as(remove.err()).isZero();
        List<ConsumerRecord<String, byte[]>> all = CliTopics.readAll(broker, "machines", 3);
        assertThat(all.get(2).key()).isEqualTo("m-1");
        assertThat(all.get(2).value()).as("a tombstone").isNull();

        CliRunner.Result after = CliRunner.run(
                "machine", "show", "--bootstrap-server", broker.bootstrapServers(), "--topic", "machines");
        assertThat(after.out().lines()).containsExactly("m-2 '' curve 20:500 alert 70.5 C");
        CliRunner.Result gone = CliRunner.run(
                "machine",
                "show",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "machines",
                "--id",
                "m-1");
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).contains("no machine 'm-1'");
    }

    @Test
    void machineSetRefusesWhatTheJobWouldRefuse() throws Exception {
        for (String curve : List.of("60:1600,30:800", "30:800,30:900", "30", "30:x", "30:-5")) {
            CliRunner.Result result = CliRunner.run(
                    "machine",
                    "set",
                    "--bootstrap-server",
                    broker.bootstrapServers(),
                    "--topic",
                    "refused-machines",
                    "--id",
                    "m-1",
                    "--curve",
                    curve,
                    "--alert-temperature",
                    "85");
            assertThat(result.exitCode()).as(curve).isEqualTo(2);
            assertThat(result.err()).contains("--curve");
        }
        assertThat(CliTopics.readAvailable(broker, "refused-machines")).isEmpty();
    }

    @Test
    void rpmConfigSetAndShow() throws Exception {
        CliRunner.Result none =
                CliRunner.run("rpm-config", "show", "--bootstrap-server", broker.bootstrapServers(), "--topic", "rpm");
        assertThat(none.exitCode()).as(none.err()).isZero();
        assertThat(none.out())
                .contains(
                        "ratio 0.2 (default), deviations 2 (default), window 600000 ms (default) (nothing published)");

        CliRunner.Result set = CliRunner.run(
                "rpm-config",
                "set",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "rpm",
                "--ratio",
                "0.1",
                "--deviations",
                "0",
                "--window",
                "10m");
        assertThat(set.exitCode()).as(set.err()).isZero();
        List<ConsumerRecord<String, byte[]>> written = CliTopics.readAll(broker, "rpm", 1);
        assertThat(written.get(0).key()).isEqualTo("default");
        assertThat(RpmMonitoringConfig.parseFrom(written.get(0).value()))
                .isEqualTo(RpmMonitoringConfig.newBuilder()
                        .setAcceptableDeviationRatio(0.1)
                        .setAcceptableDeviationsPerWindow(0)
                        .setWindowMillis(600_000)
                        .build());

        CliRunner.Result partial = CliRunner.run(
                "rpm-config",
                "set",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "rpm",
                "--window",
                "90s");
        assertThat(partial.exitCode()).as(partial.err()).isZero();
        CliRunner.Result show =
                CliRunner.run("rpm-config", "show", "--bootstrap-server", broker.bootstrapServers(), "--topic", "rpm");
        assertThat(show.out().strip()).isEqualTo("ratio 0.2 (default), deviations 2 (default), window 90000 ms");

        for (String[] bad : List.of(
                new String[] {"--ratio", "0"},
                new String[] {"--ratio", "11"},
                new String[] {"--deviations", "-1"},
                new String[] {"--window", "500ms"},
                new String[] {"--window", "2d"},
                new String[] {"--window", "x"})) {
            CliRunner.Result refused = CliRunner.run(
                    "rpm-config",
                    "set",
                    "--bootstrap-server",
                    broker.bootstrapServers(),
                    "--topic",
                    "rpm",
                    bad[0],
                    bad[1]);
            assertThat(refused.exitCode()).as(String.join(" ", bad)).isEqualTo(2);
        }
        assertThat(CliTopics.readAvailable(broker, "rpm")).hasSize(2);
    }
}
