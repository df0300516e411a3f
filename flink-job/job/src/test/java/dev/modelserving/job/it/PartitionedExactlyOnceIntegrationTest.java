package dev.modelserving.job.it;

import dev.modelserving.job.ServingJobConfig.Mode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ExactlyOnceScenario} in partitioned mode, on a MiniCluster of its own. */
class PartitionedExactlyOnceIntegrationTest extends ExactlyOnceScenario {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(LocalFlink.cluster());

    @Override
    Mode mode() {
        return Mode.PARTITIONED;
    }
}
