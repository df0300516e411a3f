package dev.modelserving.job.it;

import dev.modelserving.job.ServingJobConfig.Mode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ExactlyOnceScenario} in keyed mode, on a MiniCluster of its own. */
class KeyedExactlyOnceIntegrationTest extends ExactlyOnceScenario {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(LocalFlink.cluster());

    @Override
    Mode mode() {
        return Mode.KEYED;
    }
}
