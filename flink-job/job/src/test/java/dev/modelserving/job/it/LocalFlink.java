package dev.modelserving.job.it;

import dev.modelserving.testkit.LoopbackFlink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;

/** The MiniCluster of the integration tests: one task manager with two slots, every address on 127.0.0.1. */
final class LocalFlink {

    /** Slots of the cluster: the parallelism the serving jobs run at. */
    static final int SLOTS = 2;

    private LocalFlink() {}

    static MiniClusterResourceConfiguration cluster() {
        Configuration conf = LoopbackFlink.configuration();
        return new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(SLOTS)
                .build();
    }
}
