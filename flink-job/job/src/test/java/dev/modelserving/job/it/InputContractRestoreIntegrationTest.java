package dev.modelserving.job.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.job.ServingJobConfig;
import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ServingResult;
import dev.modelserving.proto.ServingStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The record parser's input contract across a stop-with-savepoint and restart in a MiniCluster: restored with another
 * {@code --data-format}, the job fails once (no restart loop, although checkpointing, and with it Flink's restart
 * strategy, is on) and says why; restored with the same one, it runs on.
 */
class InputContractRestoreIntegrationTest extends ClusterAndBrokerPerClass {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static ServingJobConfig config(ServingTopics topics, String format) {
        return topics.config(
                Mode.KEYED,
                LocalFlink.SLOTS,
                "--data-format",
                format,
                "--checkpoint-interval-ms",
                "500",
                "--delivery",
                "at-least-once");
    }

    private static void answered(
            ProtoProducer producer, ServingTopics topics, TopicReader<ServingResult> results, String id) {
        producer.send(
                topics.data(),
                id,
                DataRecord.newBuilder()
                        .setDataType("wine")
                        .setId(id)
                        .setKey(id)
                        .putFeatures("alcohol", 12)
                        .build());
        results.awaitUntil(
                "the NO_MODEL result of " + id,
                WAIT,
                read -> read.stream()
                        .map(Consumed::value)
                        .anyMatch(r -> r.getRecordId().equals(id) && r.getStatus() == ServingStatus.NO_MODEL));
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aSavepointTakenWithAnotherDataFormatIsRefusedOnceAndTheSameFormatResumes(@TempDir Path savepoints)
            throws Exception {
        ServingTopics topics = ServingTopics.create(broker, "input-contract");
        try (ProtoProducer producer = ProtoProducer.open(broker.bootstrapServers());
                TopicReader<ServingResult> results = TopicReader.readUncommitted(
                        broker.bootstrapServers(), topics.results(), ServingResult.parser())) {
            String savepoint;
            try (ServingJobRun first = ServingJobRun.start(config(topics, "data-record"))) {
                answered(producer, topics, results, "before-stop");
                savepoint = first.stopWithSavepoint(savepoints);
            }

            try (ServingJobRun wrongFormat = ServingJobRun.restore(config(topics, "sensor-reading"), savepoint)) {
                Throwable failure = wrongFormat.awaitFailure();
                assertThat(wrongFormat.status()).isEqualTo(JobStatus.FAILED);
                assertThat(ExceptionUtils.findThrowableWithMessage(
                                failure,
                                "the savepoint (or checkpoint) this job restores was taken with --data-format data-record;"
                                        + " the job now runs with --data-format sensor-reading: restart with the same"
                                        + " --data-format, or start without the savepoint"))
                        .as("the failure names both formats: %s", ExceptionUtils.stringifyException(failure))
                        .isPresent();
            }

            try (ServingJobRun sameFormat = ServingJobRun.restore(config(topics, "data-record"), savepoint)) {
                answered(producer, topics, results, "after-restore");
                assertThat(sameFormat.status()).isEqualTo(JobStatus.RUNNING);
            }
            List<String> ids = results.readAvailable().stream()
                    .map(Consumed::value)
                    .map(ServingResult::getRecordId)
                    .toList();
            // The restored job went on from the savepoint's offsets: nothing was read twice.
            assertThat(ids.stream().filter("before-stop"::equals)).hasSize(1);
            assertThat(ids.stream().filter("after-restore"::equals)).hasSize(1);
        }
    }
}
