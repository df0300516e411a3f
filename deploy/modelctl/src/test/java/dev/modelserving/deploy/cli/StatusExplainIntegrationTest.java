package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.job.KafkaServingIo;
import dev.modelserving.job.ServingJob;
import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.model.Checksums;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.testkit.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving job (keyed mode, parallelism 2, stats every 500 ms) on a local MiniCluster with a real broker: two data
 * types served by two real PMML models, one of them swapped to a new version mid-stream; then {@code modelctl
 * status} and {@code modelctl explain} answer which version serves each data type, its failures and p99, and which
 * descriptor produced a given result.
 */
class StatusExplainIntegrationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private EmbeddedKafkaBroker broker;
    private JobClient job;

    @AfterEach
    void stop() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void statusAndExplainDescribeARunningJob() throws Exception {
        broker = CliTopics.broker("records", "models", "results", "dead-letters", "model-events", "model-stats");
        ServingJobConfig config = ServingJobConfig.fromArgs(
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--mode",
                "keyed",
                "--parallelism",
                "2",
                "--checkpoint-interval-ms",
                "0",
                "--stats-interval-ms",
                "500",
                "--group-id",
                "status-it");
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        new ServingJob(config, new KafkaServingIo(config)).build(env);
        job = env.executeAsync(ServingJob.jobName(config));

        Path temperature = CliFiles.write(dir.resolve("next-temperature.pmml"), CliPmmlModels.NEXT_TEMPERATURE);
        Path overheat = CliFiles.write(dir.resolve("overheat.pmml"), CliPmmlModels.OVERHEAT_TREE);
        publish(temperature, "next-temperature", 1, "sensor", CliPmmlModels.FIELD_MAPS);
        String[] overheatMap = {"--field-map", "temperature_c=Temperature (C)"};
        publish(overheat, "overheat", 1, "furnace", overheatMap);
        awaitEvents(events -> events.stream()
                        .filter(e -> e.getType() == ModelEventType.ACTIVATED)
                        .count()
                == 2);

        List<byte[]> records = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            records.add(record("sensor", "s-" + i, 50 + i).toByteArray());
        }
        for (int i = 1; i <= 10; i++) {
            records.add(record("furnace", "f-" + i, 60 + i).toByteArray());
        }
        records.add(DataRecord.newBuilder()
                .setDataType("furnace")
                .setId("f-bad")
                .build()
                .toByteArray());
        CliTopics.write(broker, "records", "r", records);
        awaitResults(31);

        publish(overheat, "overheat", 2, "furnace", overheatMap);
        awaitEvents(events ->
                events.stream().anyMatch(e -> e.getType() == ModelEventType.ACTIVATED && e.getModelVersion() == 2));
        records.clear();
        for (int i = 11; i <= 20; i++) {
            records.add(record("furnace", "f-" + i, 60 + i).toByteArray());
        }
        CliTopics.write(broker, "records", "r", records);
        awaitResults(41);

        // status: the current versions, with every record counted (stats are cumulative, emitted every 500 ms)
        CliRunner.Result status =
                awaitStatus(out -> out.lines().anyMatch(l -> l.matches("furnace +\\* +overheat@2 .* 10 +0 .*"))
                        && out.lines().anyMatch(l -> l.matches("sensor +\\* +next-temperature@1 .* 20 +0 .*")));
        List<String> lines = status.out().lines().toList();
        assertThat(lines).as(status.out()).hasSize(3);
        String sha = Checksums.sha256Hex(Files.readAllBytes(overheat));
        assertThat(lines.get(1))
                .as("p50 and p99 in ms, one instance")
                .matches("furnace +\\* +overheat@2 +" + sha.substring(0, 12)
                        + " +\\S+ +10 +0 +\\d+\\.\\d{3} +\\d+\\.\\d{3} +\\d+\\.\\d{3} +- +1");
        CliRunner.Result all = CliRunner.run(
                "status", "--bootstrap-server", broker.bootstrapServers(), "--all", "--data-type", "furnace");
        assertThat(all.out().lines().toList())
                .as(all.out())
                .anySatisfy(l -> assertThat(l).matches("furnace +overheat@1 .* 11 +1 .*"));

        // explain: a result of each overheat version, with its descriptor on the model topic
        CliRunner.Result late =
                CliRunner.run("explain", "--bootstrap-server", broker.bootstrapServers(), "--record-id", "f-15");
        assertThat(late.exitCode()).as(late.err()).isZero();
        assertThat(late.out().lines().toList())
                .as(late.out())
                .contains(
                        "record f-15 (data type furnace): SCORED",
                        "  model:       overheat version 2",
                        "  sha256:      " + sha,
                        "  descriptor:  models-0@2",
                        "  replaced:    overheat version 1");
        CliRunner.Result early =
                CliRunner.run("explain", "--bootstrap-server", broker.bootstrapServers(), "--record-id", "f-3");
        assertThat(early.out().lines().toList())
                .as(early.out())
                .contains(
                        "  model:       overheat version 1",
                        "  descriptor:  models-0@1",
                        "  replaced:    - (nothing served before)");
        CliRunner.Result failed =
                CliRunner.run("explain", "--bootstrap-server", broker.bootstrapServers(), "--record-id", "f-bad");
        assertThat(failed.out())
                .as(failed.out())
                .contains("record f-bad (data type furnace): FAILED")
                .contains("model:       overheat version 1");
    }

    private static DataRecord record(String dataType, String id, double temperature) {
        return DataRecord.newBuilder()
                .setDataType(dataType)
                .setId(id)
                .setKey(id)
                .putFeatures("temperature_c", temperature)
                .putFeatures("fan_rpm", 1500)
                .putFeatures("load_percent", 50)
                .build();
    }

    private void publish(Path model, String name, int version, String dataType, String[] fieldMaps) {
        List<String> args = new ArrayList<>(List.of(
                "publish",
                "--bootstrap-server",
                broker.bootstrapServers(),
                "--topic",
                "models",
                "--model",
                model.toString(),
                "--name",
                name,
                "--version",
                Integer.toString(version),
                "--data-type",
                dataType));
        args.addAll(List.of(fieldMaps));
        CliRunner.Result published = CliRunner.run(args.toArray(String[]::new));
        assertThat(published.exitCode()).as(published.err()).isZero();
    }

    private void awaitEvents(Predicate<List<ModelEvent>> condition) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            List<ModelEvent> events = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : CliTopics.readAvailable(broker, "model-events")) {
                events.add(ModelEvent.parseFrom(r.value()));
            }
            assertThat(events).as("model events").noneMatch(e -> e.getType() == ModelEventType.REJECTED);
            if (condition.test(events)) {
                return;
            }
            assertThat(System.nanoTime())
                    .as("waiting for model events, have " + events)
                    .isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    private void awaitResults(int count) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (CliTopics.readAvailable(broker, "results").size() < count) {
            assertThat(System.nanoTime())
                    .as("waiting for " + count + " results")
                    .isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
        }
    }

    private CliRunner.Result awaitStatus(Predicate<String> condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            CliRunner.Result status = CliRunner.run("status", "--bootstrap-server", broker.bootstrapServers());
            assertThat(status.exitCode()).as(status.err()).isZero();
            if (condition.test(status.out())) {
                return status;
            }
            assertThat(System.nanoTime())
                    .as("waiting for status, last:\n" + status.out())
                    .isLessThan(deadline);
            LockSupport.parkNanos(Duration.ofMillis(300).toNanos());
        }
    }
}
