package dev.modelserving.testkit;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;

/**
 * Configuration of a local Flink MiniCluster (the demo, the benchmarks, the tests) that listens on 127.0.0.1 only: by
 * default some of its endpoints bind every interface.
 */
public final class LoopbackFlink {

    public static final String LOOPBACK = "127.0.0.1";

    private LoopbackFlink() {}

    /** A new configuration with the REST endpoint, the JobManager and the TaskManagers on 127.0.0.1. */
    public static Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, LOOPBACK);
        conf.set(RestOptions.ADDRESS, LOOPBACK);
        conf.set(JobManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.BIND_HOST, LOOPBACK);
        conf.set(TaskManagerOptions.HOST, LOOPBACK);
        return conf;
    }
}
