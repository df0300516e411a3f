package dev.modelserving.job.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.job.ServingJobConfig.Mode;
import dev.modelserving.job.it.Consumed;
import dev.modelserving.job.it.TopicReader;
import dev.modelserving.proto.DeadLetter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random and mutated input of every family in every mode ({@link HostileInputs}): {@value #RECORDS_PER_MODE} record
 * payloads and {@value #DESCRIPTORS_PER_MODE} descriptors per mode (10,002 and 1,002 over the three modes) and
 * {@value #CONFIGS} speculative configs (speculative mode), thrown at a running job with checkpointing on and a restart
 * strategy that restarts. Asserts that the job never restarts, that every record in is a result or a dead letter
 * (tied to it by id or origin), that every descriptor in is a dead letter or a model event (a REJECTED one when it
 * aimed at the good model's data type), that every config that does not parse is a dead letter, and that the good
 * model still scores good records afterwards with the expected outputs.
 *
 * <p>The seed is fixed and printed; rerun with another (or a failing one) with {@code -Dhostile.seed=<n>}.
 */
class HostileFuzzTest extends HostileSuiteSetup {

    static final int RECORDS_PER_MODE = 3334;
    static final int DESCRIPTORS_PER_MODE = 334;
    static final int CONFIGS = 500;
    /** The seed when {@code -Dhostile.seed} is not given. */
    static final long DEFAULT_SEED = 20261130L;

    private static final String GOOD_TYPE = "machine";

    @ParameterizedTest
    @EnumSource(Mode.class)
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void everyHostileInputIsAccountedForAndTheJobNeverRestarts(Mode mode, @InjectMiniCluster MiniCluster cluster) {
        long seed = Long.getLong("hostile.seed", DEFAULT_SEED) + mode.ordinal();
        System.out.println("HostileFuzzTest " + mode + ": seed " + seed + " (rerun with -Dhostile.seed="
                + (seed - mode.ordinal()) + " -Dtest='HostileFuzzTest'; each mode adds its ordinal)");
        HostileInputs inputs = new HostileInputs(seed, GOOD_TYPE);
        int servingInstances = mode == Mode.PARTITIONED ? UnderAttack.PARALLELISM : 1;
        try (UnderAttack attack = UnderAttack.start(broker, cluster, "fuzz-" + mode + "-" + seed, GOOD_TYPE, mode)) {
            attack.publishAndAwaitActive(HostileModels.regression(GOOD_TYPE), servingInstances);

            List<Sent> descriptors = attack.producer.sendAll(
                    attack.topics.models(),
                    null,
                    inputs.descriptors("fz-" + mode.name().toLowerCase(Locale.ROOT), DESCRIPTORS_PER_MODE));
            List<Sent> configs = mode == Mode.SPECULATIVE
                    ? attack.producer.sendAll(attack.topics.configs(), null, inputs.configs(CONFIGS))
                    : List.of();
            attack.sendRecords(inputs.records("fz-" + seed, RECORDS_PER_MODE));

            attack.assertGoodModelServes("final", 20);

            String recordsTopic = attack.topics.data();
            attack.results.readUntil(
                    UnderAttack.WAIT,
                    read -> Accounting.records(recordsTopic, attack.records, values(read), fresh(attack.deadLetters))
                            .balanced());
            Accounting.Books recordBooks = Accounting.records(
                    recordsTopic, attack.records, attack.results.values(), attack.deadLetters.values());
            assertThat(recordBooks.balanced())
                    .as(
                            "seed %d: records in = results + dead letters: %s; %s",
                            seed, recordBooks, attack.job.describe())
                    .isTrue();

            String modelsTopic = attack.topics.models();
            attack.events.readUntil(
                    UnderAttack.WAIT,
                    read -> Accounting.descriptors(
                                    modelsTopic,
                                    descriptors,
                                    values(read),
                                    fresh(attack.deadLetters),
                                    inputs::targetsGoodModel)
                            .balanced());
            Accounting.Books descriptorBooks = Accounting.descriptors(
                    modelsTopic,
                    descriptors,
                    attack.events.values(),
                    attack.deadLetters.values(),
                    inputs::targetsGoodModel);
            assertThat(descriptorBooks.balanced())
                    .as(
                            "seed %d: descriptors in = dead letters + events: %s; %s",
                            seed, descriptorBooks, attack.job.describe())
                    .isTrue();

            Accounting.Books configBooks =
                    Accounting.configs(attack.topics.configs(), configs, attack.deadLetters.values());
            assertThat(configBooks.balanced())
                    .as("seed %d: configs that do not parse = their dead letters: %s", seed, configBooks)
                    .isTrue();

            System.out.println("HostileFuzzTest " + mode + ": " + attack.records.size() + " records in -> "
                    + attack.results.values().size() + " results + "
                    + attack.deadLettersOf(recordsTopic).size()
                    + " dead letters; " + descriptors.size() + " descriptors in -> "
                    + attack.events.values().size()
                    + " model events + " + attack.deadLettersOf(modelsTopic).size() + " dead letters; "
                    + configs.size() + " configs in -> "
                    + attack.deadLettersOf(attack.topics.configs()).size()
                    + " dead letters");
            attack.assertGoodModelServes("after-accounting", 10);
            attack.assertNoRestarts();
        }
    }

    private static List<DeadLetter> fresh(TopicReader<DeadLetter> letters) {
        return values(letters.readAvailable());
    }

    private static <T> List<T> values(List<Consumed<T>> read) {
        return read.stream().map(Consumed::value).toList();
    }
}
