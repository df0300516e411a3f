package dev.modelserving.job.it;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A test class's Flink MiniCluster ({@link LocalFlink#cluster()}, the context environment the job is submitted to) and
 * its broker ({@link BrokerPerClass}), both started before the class and stopped after it.
 */
abstract class ClusterAndBrokerPerClass extends BrokerPerClass {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(LocalFlink.cluster());
}
