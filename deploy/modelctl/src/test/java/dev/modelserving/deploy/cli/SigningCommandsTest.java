package dev.modelserving.deploy.cli;

import static dev.modelserving.deploy.cli.CliEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.deploy.samples.SampleModels;
import dev.modelserving.model.trust.DescriptorSignatures;
import dev.modelserving.model.trust.ExternalCommand;
import dev.modelserving.model.trust.PemKeys;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keygen}, {@code sign}, {@code verify}, and signing in {@code publish}, {@code rollback}, {@code remove}. */
class SigningCommandsTest {

    private static EmbeddedKafkaBroker broker;

    @TempDir
    static Path samples;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        broker = CliTopics.broker("signed-models", "model-events", "no-events", "commands");
        assertThat(CliRunner.run("samples", "--out", samples.toString()).exitCode())
                .isZero();
        CliTopics.write(
                broker,
                "model-events",
                "sensor",
                List.of(
                        event(
                                        ModelEventType.ACTIVATED,
                                        "sensor",
                                        SampleModels.TEMPERATURE_FORECAST,
                                        2,
                                        1,
                                        "loaded",
                                        0,
                                        "serve#0")
                                .toBuilder()
                                .setPublisherId("ci")
                                .build()
                                .toByteArray(),
                        event(
                                        ModelEventType.REMOVED,
                                        "sensor",
                                        SampleModels.TEMPERATURE_FORECAST,
                                        2,
                                        2,
                                        "drifting",
                                        1000,
                                        "serve#0")
                                .toBuilder()
                                .setPublisherId("ops")
                                .setNewestVersion(3)
                                .build()
                                .toByteArray(),
                        event(
                                        ModelEventType.REJECTED,
                                        "sensor",
                                        SampleModels.TEMPERATURE_FORECAST,
                                        99,
                                        0,
                                        "untrusted",
                                        2000,
                                        "verify#0")
                                .toBuilder()
                                .setPublisherId("mallory")
                                .build()
                                .toByteArray()));
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Path sample(int version) {
        return samples.resolve(SampleModels.TEMPERATURE_FORECAST + "-v" + version + ".descriptor.pb");
    }

    private Path[] keygen(String name, String algorithm) {
        Path privateKey = dir.resolve(name + ".pem");
        Path publicKey = dir.resolve(name + ".pub.pem");
        CliRunner.Result result = CliRunner.run(
                "keygen",
                "--algorithm",
                algorithm,
                "--out-private",
                privateKey.toString(),
                "--out-public",
                publicKey.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        return new Path[] {privateKey, publicKey};
    }

    private String policy(String publisher, Path publicKey, String dataTypes) throws IOException {
        Path file = dir.resolve("policy-" + publisher + ".txtpb");
        Files.writeString(file, """
                publishers {
                  id: "%s"
                  keys { file: "%s" }
                  data_types: "%s"
                  model_names: "temperature-*"
                  actions: [DEPLOY, ROLLBACK, REMOVE]
                }
                """.formatted(publisher, dir.relativize(publicKey), dataTypes));
        return file.toString();
    }

    @Test
    void keygenWritesPemKeysAndNeverOverwrites() throws Exception {
        for (String algorithm : List.of("ed25519", "ec-p256")) {
            Path[] keys = keygen("k-" + algorithm, algorithm);
            assertThat(Files.readString(keys[0])).startsWith("-----BEGIN PRIVATE KEY-----");
            assertThat(Files.readString(keys[1])).startsWith("-----BEGIN PUBLIC KEY-----");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys[0])))
                    .isEqualTo("rw-------");
            ModelDescriptor signed = DescriptorSignatures.sign(
                    ModelDescriptor.newBuilder().setName("x").build(), "p", PemKeys.readPrivateKey(keys[0]));
            assertThat(DescriptorSignatures.verify(signed, PemKeys.readPublicKey(keys[1])))
                    .isTrue();
        }
        String before = Files.readString(dir.resolve("k-ed25519.pem"));
        CliRunner.Result again = CliRunner.run(
                "keygen",
                "--out-private",
                dir.resolve("k-ed25519.pem").toString(),
                "--out-public",
                dir.resolve("other.pub.pem").toString());
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("already exists: keygen never overwrites a key");
        assertThat(Files.readString(dir.resolve("k-ed25519.pem"))).isEqualTo(before);
        assertThat(CliRunner.run("keygen", "--algorithm", "rsa", "--out-private", "a", "--out-public", "b")
                        .err())
                .contains("'rsa' is not ed25519|ec-p256");
    }

    @Test
    void signThenVerifyAgainstKeysAndPolicy() throws Exception {
        Path[] ci = keygen("ci", "ec-p256");
        Path[] other = keygen("other", "ed25519");
        Path signed = dir.resolve("signed.pb");
        CliRunner.Result sign = CliRunner.run(
                "sign",
                "--key",
                ci[0].toString(),
                "--publisher",
                "ci",
                sample(1).toString(),
                "-o",
                signed.toString());
        assertThat(sign.exitCode()).as(sign.err()).isZero();
        assertThat(sign.out())
                .contains("signed temperature-forecast v1 (DEPLOY, data type machine-features) as publisher ci"
                        + " with a ec-p256 key");

        CliRunner.Result good = CliRunner.run("verify", "--public-key", ci[1].toString(), signed.toString());
        assertThat(good.exitCode()).as(good.out() + good.err()).isZero();
        assertThat(good.out()).contains("signature verifies (publisher ci)");
        CliRunner.Result wrongKey = CliRunner.run("verify", "--public-key", other[1].toString(), signed.toString());
        assertThat(wrongKey.exitCode()).isEqualTo(1);
        assertThat(wrongKey.out()).contains("signature does not verify");

        CliRunner.Result trusted = CliRunner.run(
                "verify",
                "--policy",
                policy("ci", ci[1], "machine-features"),
                signed.toString(),
                sample(2).toString());
        assertThat(trusted.exitCode()).as("the unsigned v2 fails the whole run").isEqualTo(1);
        assertThat(trusted.out().lines())
                .satisfiesExactly(
                        l -> assertThat(l).endsWith("trusted, signed by publisher 'ci'"),
                        l -> assertThat(l).contains("untrusted: the descriptor is not signed"));
        CliRunner.Result outOfPolicy =
                CliRunner.run("verify", "--policy", policy("ci", ci[1], "vibration"), signed.toString());
        assertThat(outOfPolicy.exitCode()).isEqualTo(1);
        assertThat(outOfPolicy.out()).contains("may not publish for data type 'machine-features'");

        ModelDescriptor tampered = ModelDescriptor.parseFrom(Files.readAllBytes(signed)).toBuilder()
                .setVersion(Long.MAX_VALUE)
                .build();
        Files.write(dir.resolve("tampered.pb"), tampered.toByteArray());
        CliRunner.Result changed = CliRunner.run(
                "verify",
                "--policy",
                policy("ci", ci[1], "machine-features"),
                dir.resolve("tampered.pb").toString());
        assertThat(changed.exitCode()).isEqualTo(1);
        assertThat(changed.out()).contains("changed after signing");
    }

    @Test
    void opensslKeysSignForModelctl() throws Exception {
        Path privateKey = dir.resolve("openssl.pem");
        Path publicKey = dir.resolve("openssl.pub.pem");
        Assumptions.assumeTrue(
                run("openssl", "genpkey", "-algorithm", "ed25519", "-out", privateKey.toString()),
                "openssl is not on this machine");
        assertThat(run("openssl", "pkey", "-in", privateKey.toString(), "-pubout", "-out", publicKey.toString()))
                .isTrue();
        Path signed = dir.resolve("signed.pb");
        assertThat(CliRunner.run(
                                "sign",
                                "--key",
                                privateKey.toString(),
                                "--publisher",
                                "ci",
                                sample(1).toString(),
                                "-o",
                                signed.toString())
                        .exitCode())
                .isZero();
        CliRunner.Result verify =
                CliRunner.run("verify", "--policy", policy("ci", publicKey, "machine-*"), signed.toString());
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    }

    @Test
    void publishSignsEveryDescriptorBeforeSending() throws Exception {
        Path[] ci = keygen("ci", "ed25519");
        CliRunner.Result result = CliRunner.run(
                "publish",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "signed-models",
                "--sign-key",
                ci[0].toString(),
                "--publisher",
                "ci",
                sample(1).toString(),
                sample(2).toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out())
                .contains("published temperature-forecast v1 (PMML, data type machine-features, signed by ci)");
        PublicKey key = PemKeys.readPublicKey(ci[1]);
        List<ConsumerRecord<String, byte[]>> records = CliTopics.readAll(broker, "signed-models", 2);
        for (ConsumerRecord<String, byte[]> record : records) {
            ModelDescriptor sent = ModelDescriptor.parseFrom(record.value());
            assertThat(sent.getPublisherId()).isEqualTo("ci");
            assertThat(DescriptorSignatures.verify(sent, key)).isTrue();
        }
        CliRunner.Result half = CliRunner.run(
                "publish",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "signed-models",
                "--sign-key",
                ci[0].toString(),
                sample(1).toString());
        assertThat(half.exitCode()).isEqualTo(2);
        assertThat(half.err()).contains("--sign-key and --publisher go together");
    }

    @Test
    void commandsTakeTheNextVersionFromTheEventTopicAndAreSigned() throws Exception {
        Path[] ops = keygen("ops", "ec-p256");
        CliRunner.Result rollback = CliRunner.run(
                "rollback",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "commands",
                "--data-type",
                "sensor",
                "--name",
                SampleModels.TEMPERATURE_FORECAST,
                "--to-version",
                "1",
                "--sign-key",
                ops[0].toString(),
                "--publisher",
                "ops");
        assertThat(rollback.exitCode()).as(rollback.err()).isZero();
        assertThat(rollback.out())
                .as("newest taken: 3 (the removal), not the rejected 99")
                .contains("sent rollback of temperature-forecast to v1 as v4 (data type sensor, signed by ops)");
        ModelDescriptor sent = ModelDescriptor.parseFrom(
                CliTopics.readAll(broker, "commands", 1).get(0).value());
        assertThat(sent.getAction()).isEqualTo(ModelAction.ROLLBACK);
        assertThat(sent.getVersion()).isEqualTo(4);
        assertThat(DescriptorSignatures.verify(sent, PemKeys.readPublicKey(ops[1])))
                .isTrue();

        CliRunner.Result unknown = CliRunner.run(
                "remove",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "commands",
                "--events-topic",
                "no-events",
                "--data-type",
                "sensor",
                "--name",
                "other");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err())
                .contains("no event of model 'other' (data type sensor) on topic no-events: give" + " --version");
        CliRunner.Result notNewer = CliRunner.run(
                "rollback",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "commands",
                "--data-type",
                "sensor",
                "--name",
                "x",
                "--to-version",
                "3",
                "--version",
                "3");
        assertThat(notNewer.exitCode()).isEqualTo(2);
        assertThat(notNewer.err()).contains("--version 3 must be newer than --to-version 3");
    }

    @Test
    void historyShowsWhoPublishedEachChange() {
        CliRunner.Result result = CliRunner.run("list", "--bootstrap-server", broker.bootstrapServers(), "--history");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out().lines().filter(l -> l.contains("temperature-forecast") && l.contains(" v")))
                .satisfiesExactly(
                        l -> assertThat(l).contains("ACTIVATED", "v2", "by ci"),
                        l -> assertThat(l).contains("REMOVED", "v2", "by ops"),
                        l -> assertThat(l).contains("REJECTED", "v99", "by mallory"));
    }

    private boolean run(String... command) throws Exception {
        return ExternalCommand.run(dir.resolve("openssl.log"), command);
    }
}
