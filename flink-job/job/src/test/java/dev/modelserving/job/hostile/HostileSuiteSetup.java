package dev.modelserving.job.hostile;

import dev.modelserving.testkit.EmbeddedKafkaBroker;
import dev.modelserving.testkit.LoopbackFlink;
import java.util.Map;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What every hostile-input test class runs on, started per class: a Flink MiniCluster with one TaskManager of
 * {@link UnderAttack#PARALLELISM} slots, and a real broker that takes messages above 1 MiB (a producer that allows
 * them can send them: the job must cope).
 */
abstract class HostileSuiteSetup {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(LoopbackFlink.configuration())
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(UnderAttack.PARALLELISM)
            .build());

    /** The broker of the running test class. */
    static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaBroker(
                        Map.of("message.max.bytes", Integer.toString(HostileProducer.MAX_REQUEST_BYTES)))
                .start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
