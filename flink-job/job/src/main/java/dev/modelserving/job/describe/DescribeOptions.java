package dev.modelserving.job.describe;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The job's option that prints the system's picture instead of running. */
public final class DescribeOptions {

    private DescribeOptions() {}

    /** {@code --describe mermaid|dot}: print the picture of the job the other flags define, and exit. */
    public static final ConfigOption<String> DESCRIBE = ConfigOptions.key("model-serving.describe")
            .stringType()
            .noDefaultValue()
            .withDescription("Print the system's picture (streams, contexts and operators of the job the other flags"
                    + " define, derived from its stream graph) as 'mermaid' or 'dot', and exit without running.");
}
