package dev.modelserving.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.flink.artifacts.ModelDistributionOptions;
import dev.modelserving.flink.parse.RecordFormat;
import dev.modelserving.flink.serving.ServingSettings;
import dev.modelserving.job.config.JobOptions;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.warmup.WarmUpSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingJobConfigTest {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"serving\" password=\"s3cr3t_value\";";

    @TempDir
    Path dir;

    @Test
    void kafkaPropertiesComeFromTheFileThenFromEachRepeatedFlagAndNoValueIsShown() throws Exception {
        Path file = Files.writeString(
                dir.resolve("kafka.properties"),
                "# client security\n"
                        + "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=" + JAAS + "\n"
                        + "ssl.truststore.password=trust_pw_1\n",
                StandardCharsets.ISO_8859_1);

        ServingJobConfig config = ServingJobConfig.fromArgs(
                "--bootstrap-servers",
                "127.0.0.1:9093",
                "--kafka-properties",
                file.toString(),
                "--kafka-property",
                "ssl.truststore.password=trust_pw_2",
                "--mode",
                "partitioned",
                "--kafka-property",
                "client.dns.lookup=use_all_dns_ips");

        assertThat(config.kafkaClientProperties().asMap())
                .containsOnly(
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry("sasl.mechanism", "PLAIN"),
                        Map.entry("sasl.jaas.config", JAAS),
                        Map.entry("ssl.truststore.password", "trust_pw_2"),
                        Map.entry("client.dns.lookup", "use_all_dns_ips"));
        assertThat(config.kafkaPropertiesFile()).hasValue(file);
        assertThat(config.mode()).isEqualTo(ServingJobConfig.Mode.PARTITIONED);
        assertThat(config.toString())
                .contains("sasl.jaas.config", "ssl.truststore.password")
                .doesNotContain("s3cr3t_value", "trust_pw_1", "trust_pw_2", "SASL_SSL");
        ServingJobConfig copy = InstantiationUtil.clone(config);
        assertThat(copy.kafkaClientProperties()).isEqualTo(config.kafkaClientProperties());
        assertThat(ServingJobConfig.fromArgs().kafkaClientProperties().isEmpty())
                .isTrue();
    }

    @Test
    void kafkaPropertiesTheJobSetsItselfAreRefusedNamingTheFlag() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.properties"), "security.protocol=SSL\nacks=1\n");

        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--kafka-properties", file.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--kafka-properties " + file + ": Kafka client property 'acks' cannot be set")
                .hasMessageContaining("--delivery");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--kafka-property", "bootstrap.servers=10.0.0.1:9092"))
                .hasMessageStartingWith("--kafka-property ")
                .hasMessageContaining("use --bootstrap-servers");
        for (String reserved : List.of(
                "group.id=x",
                "enable.idempotence=false",
                "transactional.id=t",
                "transaction.timeout.ms=1",
                "value.deserializer=x",
                "enable.auto.commit=true",
                "auto.offset.reset=latest")) {
            assertThatThrownBy(() -> ServingJobConfig.fromArgs("--kafka-property", reserved))
                    .as(reserved)
                    .hasMessageContaining("cannot be set");
        }
    }

    @Test
    void badKafkaPropertyFlagsNameTheFlagWithoutEchoingSecrets() {
        assertThatThrownBy(() -> ServingJobConfig.fromArgs(
                        "--kafka-properties", dir.resolve("none").toString()))
                .hasMessageStartingWith("--kafka-properties cannot read '" + dir.resolve("none") + "'")
                .hasMessageContaining("NoSuchFileException");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--kafka-property", "hunter2_password"))
                .hasMessageStartingWith("--kafka-property ")
                .hasMessageContaining("not key=value")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--kafka-property", "=value"))
                .hasMessageStartingWith("--kafka-property ")
                .hasMessageContaining("needs a key");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--kafka-property", "ssl.key.password="))
                .hasMessageContaining("'ssl.key.password' has an empty value");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--kafka-property"))
                .hasMessageStartingWith("--kafka-property needs a value");
    }

    @Test
    void theStatsStreamHasDefaultsAndRefusesBadIntervalsAndTopics() {
        ServingJobConfig defaults = ServingJobConfig.fromArgs();
        assertThat(defaults.statsIntervalMs()).isEqualTo(10_000);
        assertThat(defaults.statsTopic()).isEqualTo("model-stats");
        assertThat(defaults.toString()).contains("stats-interval-ms=10000, stats-topic=model-stats");
        ServingJobConfig set = ServingJobConfig.fromArgs("--stats-interval-ms", "0", "--stats-topic", "stats");
        assertThat(set.statsIntervalMs()).isZero();
        assertThat(set.statsTopic()).isEqualTo("stats");
        assertThat(JobOptions.help())
                .contains("--stats-interval-ms <duration>   (default: 10000 ms)")
                .contains("--stats-topic <string>   (default: model-stats)");

        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--stats-interval-ms", "50"))
                .hasMessageStartingWith("--stats-interval-ms 50 is below 100 ms");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--stats-interval-ms", "-1"))
                .hasMessageStartingWith("--stats-interval-ms ");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--stats-topic", "model-events"))
                .hasMessageStartingWith("--stats-topic 'model-events' is also another topic of the job");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--stats-topic", "records"))
                .hasMessageStartingWith("--stats-topic 'records' is also another topic of the job");
        assertThat(ServingJobConfig.fromArgs("--stats-topic", "speculative-config")
                        .statsTopic())
                .as("the config topic is only read in the speculative mode")
                .isEqualTo("speculative-config");
    }

    @Test
    void defaultsNeedNoFlags() {
        ServingJobConfig config = ServingJobConfig.fromArgs();

        assertThat(config.bootstrapServers()).isEmpty();
        assertThat(config.dataTopic()).isEqualTo("records");
        assertThat(config.dataFormat()).isEqualTo(RecordFormat.DATA_RECORD);
        assertThat(config.modelTopic()).isEqualTo("models");
        assertThat(config.resultsTopic()).isEqualTo("results");
        assertThat(config.deadLetterTopic()).isEqualTo("dead-letters");
        assertThat(config.eventsTopic()).isEqualTo("model-events");
        assertThat(config.groupId()).isEqualTo("model-serving");
        assertThat(config.mode()).isEqualTo(ServingJobConfig.Mode.KEYED);
        assertThat(config.parallelism()).isEmpty();
        assertThat(config.checkpointIntervalMs()).isEqualTo(10_000L);
        assertThat(config.checkpointingEnabled()).isTrue();
        assertThat(config.checkpointDir()).isEmpty();
        assertThat(config.delivery()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        // The job warms candidates up by default (LoadPolicy's own default, for the CLI and tests, does not).
        assertThat(config.loadPolicy())
                .isEqualTo(LoadPolicy.defaults()
                        .withWarmUp(WarmUpSettings.defaults()
                                .withMaxMillis(ModelDistributionOptions.WARM_UP_MAX_MS.defaultValue())));
    }

    @Test
    void everyFlagIsRead() {
        ServingJobConfig config = ServingJobConfig.fromArgs(
                "--bootstrap-servers",
                "127.0.0.1:9092,127.0.0.1:9093",
                "--data-topic",
                "readings",
                "--data-format",
                "sensor-reading",
                "--model-topic",
                "sensor-models",
                "--results-topic",
                "scores",
                "--dead-letter-topic",
                "dlq",
                "--events-topic",
                "events",
                "--group-id",
                "g1",
                "--mode",
                "partitioned",
                "--parallelism",
                "4",
                "--checkpoint-interval-ms",
                "2000",
                "--checkpoint-dir",
                "s3://bucket/ckpt",
                "--delivery",
                "at-least-once",
                "--allowed-model-roots",
                "/models, /opt/more/../shared ,",
                "--max-artifact-bytes",
                "64mb",
                "--max-unpacked-bytes",
                "1048576",
                "--require-validation-samples");

        assertThat(config.requireBootstrapServers()).isEqualTo("127.0.0.1:9092,127.0.0.1:9093");
        assertThat(config.dataTopic()).isEqualTo("readings");
        assertThat(config.dataFormat()).isEqualTo(RecordFormat.SENSOR_READING);
        assertThat(config.modelTopic()).isEqualTo("sensor-models");
        assertThat(config.resultsTopic()).isEqualTo("scores");
        assertThat(config.deadLetterTopic()).isEqualTo("dlq");
        assertThat(config.eventsTopic()).isEqualTo("events");
        assertThat(config.groupId()).isEqualTo("g1");
        assertThat(config.mode()).isEqualTo(ServingJobConfig.Mode.PARTITIONED);
        assertThat(config.parallelism()).hasValue(4);
        assertThat(config.checkpointIntervalMs()).isEqualTo(2_000L);
        assertThat(config.checkpointDir()).hasValue("s3://bucket/ckpt");
        assertThat(config.delivery()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        LoadPolicy policy = config.loadPolicy();
        assertThat(policy.allowedRoots()).containsExactly(Path.of("/models"), Path.of("/opt/shared"));
        assertThat(policy.maxArtifactBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(policy.maxUnpackedBytes()).isEqualTo(1_048_576L);
        assertThat(policy.requireValidationSamples()).isTrue();
        assertThat(policy.maxArchiveEntries()).isEqualTo(LoadPolicy.DEFAULT_MAX_ARCHIVE_ENTRIES);
    }

    @Test
    void whatAModelMayDoComesFromFlagsAndTravelsInTheServingSettings() throws Exception {
        ServingJobConfig config = ServingJobConfig.fromArgs(
                "--max-input-elements",
                "1024",
                "--allow-tf-ops",
                "MyTrustedOp, _FusedThing,",
                "--allow-pmml-functions",
                "com.acme.Score");
        LoadPolicy policy = config.loadPolicy();
        assertThat(policy.maxInputElements()).isEqualTo(1024L);
        assertThat(policy.extraAllowedTfOps()).containsExactly("MyTrustedOp", "_FusedThing");
        assertThat(policy.allowedPmmlFunctions()).containsExactly("com.acme.Score");
        assertThat(config.toString()).contains("allow-tf-ops=[MyTrustedOp, _FusedThing]");
        ServingSettings settings = InstantiationUtil.clone(ServingSettings.of(policy, 3, 1));
        assertThat(settings.loadPolicy()).isEqualTo(policy);

        LoadPolicy defaults = ServingJobConfig.fromArgs().loadPolicy();
        assertThat(defaults.maxInputElements()).isEqualTo(LoadPolicy.DEFAULT_MAX_INPUT_ELEMENTS);
        assertThat(defaults.extraAllowedTfOps()).isEmpty();
        assertThat(defaults.allowedPmmlFunctions()).isEmpty();
        assertThat(ServingSettings.defaults().loadPolicy()).isEqualTo(LoadPolicy.defaults());
    }

    @Test
    void badPolicyFlagsAreRefusedByName() {
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--allow-tf-ops", "Read File"))
                .hasMessageStartingWith("--allow-tf-ops 'Read File' is not a TensorFlow op type name");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--allow-pmml-functions", "a\u0007b"))
                .hasMessageStartingWith("--allow-pmml-functions");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--max-input-elements", "0"))
                .hasMessageStartingWith("--max-input-elements '0' must be positive");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--max-input-elements", "999999999999"))
                .hasMessageStartingWith("--max-input-elements '999999999999' must be at most");
    }

    @Test
    void checkpointingOffMeansAtLeastOnceByDefaultAndExactlyOnceIsAnError() {
        assertThat(ServingJobConfig.fromArgs("--checkpoint-interval-ms", "0").delivery())
                .isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThatThrownBy(
                        () -> ServingJobConfig.fromArgs("--checkpoint-interval-ms", "0", "--delivery", "exactly-once"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--delivery exactly-once needs checkpointing")
                .hasMessageEndingWith(ServingJobConfig.USAGE_HINT);
    }

    @Test
    void aCheckpointPathBecomesAnAbsoluteFileUri() {
        assertThat(ServingJobConfig.fromArgs("--checkpoint-dir", "/tmp/ckpt").checkpointDir())
                .hasValue("file:///tmp/ckpt");
        assertThat(ServingJobConfig.fromArgs("--checkpoint-dir", "ckpt")
                        .checkpointDir()
                        .orElseThrow())
                .startsWith("file:/")
                .endsWith("/ckpt");
    }

    @Test
    void requireValidationSamplesTakesAnExplicitBoolean() {
        assertThat(ServingJobConfig.fromArgs("--require-validation-samples", "false")
                        .requireValidationSamples())
                .isFalse();
        assertThat(ServingJobConfig.fromArgs("--require-validation-samples", "true")
                        .requireValidationSamples())
                .isTrue();
        assertThat(ServingJobConfig.fromArgs().requireValidationSamples()).isFalse();
    }

    @Test
    void invalidValuesNameTheFlagAndGiveTheHint() {
        List<List<String>> cases = List.of(
                List.of("--parallelism", "zero", "--parallelism"),
                List.of("--parallelism", "0", "--parallelism"),
                List.of("--checkpoint-interval-ms", "-5", "--checkpoint-interval-ms"),
                List.of("--checkpoint-interval-ms", "5", "--checkpoint-interval-ms"),
                List.of("--mode", "sharded", "--mode"),
                List.of("--delivery", "at-most-once", "--delivery"),
                List.of("--data-format", "csv", "--data-format"),
                List.of("--max-artifact-bytes", "lots", "--max-artifact-bytes"),
                List.of("--max-unpacked-bytes", "0", "--max-unpacked-bytes"),
                List.of("--results-topic", "bad topic", "--results-topic"),
                List.of("--require-validation-samples", "maybe", "--require-validation-samples"),
                List.of("--results-topic", "records", "--data-topic"));
        for (List<String> c : cases) {
            assertThatThrownBy(() -> ServingJobConfig.fromArgs(c.get(0), c.get(1)))
                    .as("%s %s", c.get(0), c.get(1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(c.get(2) + " ")
                    .hasMessageEndingWith(ServingJobConfig.USAGE_HINT);
        }
    }

    @Test
    void aFlagWithoutItsValueIsAnError() {
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--data-topic", "--mode", "keyed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--data-topic needs a value");
    }

    @Test
    void unknownFlagsAndStrayArgumentsAreErrors() {
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--checkpoint-interval", "5000"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--checkpoint-interval]")
                .hasMessageEndingWith(ServingJobConfig.USAGE_HINT);
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("records"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(ServingJobConfig.USAGE_HINT);
    }

    @Test
    void bootstrapServersAreRequiredOnlyWhenAsked() {
        ServingJobConfig config = ServingJobConfig.fromArgs("--mode", "keyed");

        assertThatThrownBy(config::requireBootstrapServers)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--bootstrap-servers is required");
    }

    @Test
    void theHelpListsEveryFlag() {
        for (String flag : List.of(
                "bootstrap-servers",
                "data-topic",
                "data-format",
                "model-topic",
                "results-topic",
                "dead-letter-topic",
                "events-topic",
                "group-id",
                "mode",
                "parallelism",
                "checkpoint-interval-ms",
                "checkpoint-dir",
                "delivery",
                "allowed-model-roots",
                "max-artifact-bytes",
                "max-unpacked-bytes",
                "require-validation-samples")) {
            assertThat(JobOptions.help()).contains("  --" + flag + " ");
        }
    }

    @Test
    void survivesJavaSerializationSoFunctionsCanCarryIt() throws Exception {
        ServingJobConfig config = ServingJobConfig.fromArgs("--allowed-model-roots", "/models", "--parallelism", "2");

        ServingJobConfig copy = InstantiationUtil.clone(config);

        assertThat(copy.loadPolicy()).isEqualTo(config.loadPolicy());
        assertThat(copy.toString()).isEqualTo(config.toString());
    }

    @Test
    void hostileInputBoundsHaveDefaultsAndFlags() {
        ServingJobConfig defaults = ServingJobConfig.fromArgs();
        assertThat(defaults.deadLetterMaxPayloadBytes()).isEqualTo(64 * 1024);
        assertThat(defaults.maxRequestBytes()).isEqualTo(1_048_576);
        assertThat(defaults.maxDescriptorBytes()).isEqualTo(LoadPolicy.DEFAULT_MAX_ARTIFACT_BYTES + 16L * 1024 * 1024);
        assertThat(defaults.maxDeadlineMs()).isEqualTo(60_000);
        assertThat(defaults.maxModelsPerDataType()).isEqualTo(16);

        ServingJobConfig set = ServingJobConfig.fromArgs(
                "--max-artifact-bytes",
                "1mb",
                "--dead-letter-max-payload-bytes",
                "1kb",
                "--max-request-bytes",
                "65536",
                "--max-deadline-ms",
                "5000",
                "--max-models-per-data-type",
                "3");
        assertThat(set.maxDescriptorBytes()).as("follows --max-artifact-bytes").isEqualTo(17L * 1024 * 1024);
        assertThat(set.parseLimits())
                .isEqualTo(new dev.modelserving.flink.parse.ParseLimits(1024, 17L * 1024 * 1024, 5_000));
        assertThat(set.maxRequestBytes()).isEqualTo(65_536);
        assertThat(set.maxModelsPerDataType()).isEqualTo(3);
        assertThat(set.toString()).contains("max-request-bytes=65536").contains("max-models-per-data-type=3");
        assertThat(ServingJobConfig.fromArgs("--max-descriptor-bytes", "2mb").maxDescriptorBytes())
                .isEqualTo(2L * 1024 * 1024);
    }

    @Test
    void inconsistentBoundsNameTheFlag() {
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--default-deadline-ms", "90000"))
                .hasMessageStartingWith("--default-deadline-ms 90000 is above --max-deadline-ms (60000)")
                .hasMessageEndingWith(ServingJobConfig.USAGE_HINT);
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--dead-letter-max-payload-bytes", "2mb"))
                .hasMessageStartingWith("--dead-letter-max-payload-bytes 2097152 must be below --max-request-bytes");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--max-request-bytes", "3gb"))
                .hasMessageStartingWith("--max-request-bytes 3221225472 is above 2147483647 bytes");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--max-models-per-data-type", "0"))
                .hasMessageStartingWith("--max-models-per-data-type '0' must be positive");
    }

    @Test
    void resourceBoundsHaveDefaultsFlagsAndValidation() {
        dev.modelserving.model.serving.ServingBounds defaults =
                ServingJobConfig.fromArgs().servingBounds();
        assertThat(defaults).isEqualTo(dev.modelserving.model.serving.ServingBounds.defaults());
        assertThat(defaults.maxUnpackedBytesPerSubtask()).isEqualTo(4L << 30);

        ServingJobConfig config = ServingJobConfig.fromArgs(
                "--max-live-models",
                "3",
                "--max-data-types",
                "5",
                "--max-executor-queue",
                "7",
                "--max-unpacked-bytes-per-subtask",
                "2gb",
                "--model-load-timeout-ms",
                "900",
                "--max-concurrent-loads",
                "4",
                "--restore-wait-ms",
                "0");
        assertThat(config.servingBounds())
                .isEqualTo(new dev.modelserving.model.serving.ServingBounds(3, 5, 7, 2L << 30, 900, 4, 0));
        assertThat(config.toString()).contains("max-live-models=3", "restore-wait-ms=0", "max-concurrent-loads=4");

        List<List<String>> cases = List.of(
                List.of("--max-live-models", "0"),
                List.of("--max-data-types", "many"),
                List.of("--max-executor-queue", "99999999999"),
                List.of("--max-unpacked-bytes-per-subtask", "-1"),
                List.of("--max-unpacked-bytes-per-subtask", "512mb"),
                List.of("--model-load-timeout-ms", "0"),
                List.of("--max-concurrent-loads", "0"),
                List.of("--restore-wait-ms", "-1"));
        for (List<String> c : cases) {
            assertThatThrownBy(() -> ServingJobConfig.fromArgs(c.get(0), c.get(1)))
                    .as("%s %s", c.get(0), c.get(1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(c.get(0) + " ")
                    .hasMessageEndingWith(ServingJobConfig.USAGE_HINT);
        }
        for (String flag : List.of(
                "max-live-models",
                "max-data-types",
                "max-executor-queue",
                "max-unpacked-bytes-per-subtask",
                "model-load-timeout-ms",
                "max-concurrent-loads",
                "restore-wait-ms")) {
            assertThat(JobOptions.help()).contains("  --" + flag + " ");
        }
    }
}
