package dev.modelserving.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.job.ServingJobConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import org.apache.flink.client.cli.CliFrontendParser;
import org.apache.flink.client.cli.DefaultCLI;
import org.apache.flink.client.cli.ProgramOptions;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where job options come from: program arguments, then Flink's configuration ({@code -D}, config.yaml), then defaults. */
class JobOptionSourcesTest {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"serving\" password=\"p;w\";";

    @TempDir
    Path dir;

    @Test
    void anOptionSetByProgramArgumentWithOrWithoutItsPrefix() {
        assertThat(ServingJobConfig.fromArgs("--data-topic", "readings").dataTopic())
                .isEqualTo("readings");
        assertThat(ServingJobConfig.fromArgs("--model-serving.data-topic", "readings")
                        .dataTopic())
                .isEqualTo("readings");
        ServingJobConfig typed = ServingJobConfig.fromArgs(
                "--checkpoint-interval-ms", "30s", "--max-artifact-bytes", "268435456", "--mode", "speculative");
        assertThat(typed.checkpointIntervalMs()).isEqualTo(30_000);
        assertThat(typed.maxArtifactBytes()).isEqualTo(256L << 20);
        assertThat(typed.mode()).isEqualTo(ServingJobConfig.Mode.SPECULATIVE);
        assertThat(ServingJobConfig.fromArgs().dataTopic()).as("the default").isEqualTo("records");
    }

    @Test
    void anOptionSetInFlinksConfigurationAsDashDWouldSetIt() {
        Configuration flink = new Configuration();
        // What `flink run -D key=value` does with each dynamic property.
        flink.setString("model-serving.data-topic", "readings");
        flink.setString("model-serving.max-artifact-bytes", "64mb");
        flink.setString("model-serving.checkpoint-interval-ms", "2 min");
        flink.setString("model-serving.delivery", "at-least-once");
        flink.setString("model-serving.allowed-model-roots", "/models;/opt/shared,/srv");
        flink.setString("model-serving.require-signatures", "false");
        flink.setString("parallelism.default", "3"); // Flink's own keys are none of the job's business

        ServingJobConfig config = ServingJobConfig.from(flink);

        assertThat(config.dataTopic()).isEqualTo("readings");
        assertThat(config.maxArtifactBytes()).isEqualTo(64L << 20);
        assertThat(config.checkpointIntervalMs()).isEqualTo(120_000);
        assertThat(config.delivery()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(config.allowedModelRoots())
                .containsExactly(Path.of("/models"), Path.of("/opt/shared"), Path.of("/srv"));
        assertThat(config.modelTopic()).as("not set anywhere: the default").isEqualTo("models");
    }

    @Test
    void optionsInAConfigYamlLoadedTheWayFlinkLoadsIt() throws Exception {
        Files.writeString(
                dir.resolve("config.yaml"),
                "parallelism.default: 2\n"
                        + "model-serving.data-topic: readings\n"
                        + "model-serving:\n"
                        + "  mode: partitioned\n"
                        + "  max-live-models: 7\n"
                        + "  allow-tf-ops: [MyTrustedOp, _FusedThing]\n"
                        + "  kafka-property:\n"
                        + "    - 'sasl.jaas.config=" + JAAS.replace("'", "''") + "'\n"
                        + "    - client.dns.lookup=use_all_dns_ips\n",
                StandardCharsets.UTF_8);
        Configuration flink = GlobalConfiguration.loadConfiguration(dir.toString());

        ServingJobConfig config = ServingJobConfig.from(flink);

        assertThat(config.dataTopic()).isEqualTo("readings");
        assertThat(config.mode()).isEqualTo(ServingJobConfig.Mode.PARTITIONED);
        assertThat(config.servingBounds().maxLiveModels()).isEqualTo(7);
        assertThat(config.allowedTfOps()).containsExactly("MyTrustedOp", "_FusedThing");
        assertThat(config.kafkaClientProperties().asMap())
                .containsOnly(Map.entry("sasl.jaas.config", JAAS), Map.entry("client.dns.lookup", "use_all_dns_ips"));
    }

    @Test
    void aProgramArgumentWinsOverFlinksConfiguration() {
        Configuration flink = new Configuration();
        flink.setString("model-serving.data-topic", "from-configuration");
        flink.setString("model-serving.mode", "partitioned");
        flink.set(KafkaOptions.KAFKA_PROPERTY, java.util.List.of("client.id=a", "client.dns.lookup=default"));

        ServingJobConfig config =
                ServingJobConfig.from(flink, "--data-topic", "from-arguments", "--kafka-property", "client.id=b");

        assertThat(config.dataTopic()).isEqualTo("from-arguments");
        assertThat(config.mode()).as("not given as argument").isEqualTo(ServingJobConfig.Mode.PARTITIONED);
        assertThat(config.kafkaClientProperties().asMap())
                .as("the configuration's entries, then the arguments' (a later value of a key wins)")
                .containsOnly(Map.entry("client.id", "b"), Map.entry("client.dns.lookup", "default"));
    }

    @Test
    void unknownOptionsAreRefusedWithTheHint() {
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--data-topc", "x", "--mode", "keyed"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option(s) [--data-topc]\n" + "See --help or README \"Job flags\".");
        Configuration flink = new Configuration();
        flink.setString("model-serving.max-live-model", "3");
        assertThatThrownBy(() -> ServingJobConfig.from(flink))
                .hasMessage("unknown option(s) [model-serving.max-live-model] in Flink's configuration\n"
                        + ServingJobConfig.USAGE_HINT);
    }

    @Test
    void aBadValueInFlinksConfigurationNamesTheFlagAndTheKey() {
        Configuration flink = new Configuration();
        flink.setString("model-serving.max-artifact-bytes", "lots");
        assertThatThrownBy(() -> ServingJobConfig.from(flink))
                .hasMessage("--max-artifact-bytes (model-serving.max-artifact-bytes in Flink's configuration)"
                        + " 'lots' is not a size (bytes, or with a unit: 64kb, 256mb, 1gb)\n"
                        + ServingJobConfig.USAGE_HINT);
        Configuration none = new Configuration();
        none.setString("model-serving.delivery", "none");
        assertThatThrownBy(() -> ServingJobConfig.from(none))
                .hasMessageStartingWith("--delivery (model-serving.delivery in Flink's configuration) 'none' is not"
                        + " exactly-once|at-least-once\n");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--mode", "fast"))
                .as("a usage error is two lines: the reason, then the hint")
                .hasMessage("--mode 'fast' is not keyed|partitioned|speculative\n" + ServingJobConfig.USAGE_HINT);
    }

    /**
     * The path of {@code flink run -D k=v job.jar args}: Flink's CLI parses the command line, merges the {@code -D}
     * properties over the configuration loaded from the configuration directory, and makes that the configuration
     * of the environment {@code main} gets from {@code getExecutionEnvironment()} (as {@code ClientUtils} does).
     */
    @Test
    void flinkRunDynamicPropertiesAndConfigYamlReachMainsEnvironment() throws Exception {
        Files.writeString(
                dir.resolve("config.yaml"),
                "model-serving.data-topic: from-yaml\nmodel-serving.results-topic: scores\n",
                StandardCharsets.UTF_8);
        Configuration cluster = GlobalConfiguration.loadConfiguration(dir.toString());
        DefaultCLI cli = new DefaultCLI();
        Options cliOptions = new Options();
        cli.addGeneralOptions(cliOptions);
        cli.addRunOptions(cliOptions);
        CommandLine commandLine = CliFrontendParser.parse(
                CliFrontendParser.mergeOptions(CliFrontendParser.getRunCommandOptions(), cliOptions),
                new String[] {
                    "-Dmodel-serving.data-topic=from-dash-d",
                    "-D",
                    "model-serving.max-live-models=5",
                    "job.jar",
                    "--max-live-models",
                    "6",
                    "--mode",
                    "partitioned"
                },
                true);
        Configuration effective = new Configuration(cluster);
        effective.addAll(cli.toConfiguration(commandLine));
        String[] programArgs = ProgramOptions.create(commandLine).getProgramArgs();

        StreamContextEnvironment.setAsContext(
                new DefaultExecutorServiceLoader(), effective, getClass().getClassLoader(), false, true);
        ServingJobConfig config;
        try {
            config = ServingJobConfig.from(
                    StreamExecutionEnvironment.getExecutionEnvironment().getConfiguration(), programArgs);
        } finally {
            StreamContextEnvironment.unsetAsContext();
        }

        assertThat(config.dataTopic()).as("-D wins over config.yaml").isEqualTo("from-dash-d");
        assertThat(config.resultsTopic()).as("config.yaml").isEqualTo("scores");
        assertThat(config.servingBounds().maxLiveModels())
                .as("the argument wins over -D")
                .isEqualTo(6);
        assertThat(config.mode()).isEqualTo(ServingJobConfig.Mode.PARTITIONED);
    }

    @Test
    void helpIsAskedForAndListsEveryOptionWithItsKey() {
        assertThat(JobOptionReader.asksForHelp("--mode", "keyed", "--help")).isTrue();
        assertThat(JobOptionReader.asksForHelp("-h")).isTrue();
        assertThat(JobOptionReader.asksForHelp("--mode", "keyed")).isFalse();
        String help = JobOptions.help();
        for (JobOption option : JobOptions.ALL) {
            assertThat(help).contains("\n  " + option.flag() + " ");
        }
        assertThat(help).contains("model-serving.<option>");
    }
}
