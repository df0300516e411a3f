package dev.modelserving.job.io;

import dev.modelserving.job.config.JobOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The job options of "bring your own data": how JSON or CSV records become {@code DataRecord}s, and how results are
 * written. ({@code --data-format json|csv} itself is the existing {@code data-format} option.)
 */
public final class DataFormatOptions {

    /** The record mapping file of {@code --data-format json|csv}; read on the client when the job is configured. */
    public static final ConfigOption<String> RECORD_MAPPING = ConfigOptions.key(JobOptions.PREFIX + "record-mapping")
            .stringType()
            .noDefaultValue()
            .withDescription("A JSON file saying how JSON or CSV records become DataRecords (data type, key, id,"
                    + " event time, numeric and categorical features, packed vector); required by --data-format"
                    + " json|csv. Read on the client when the job is configured and carried to the operators.");

    /** The encoding of the results topic's values. */
    public static final ConfigOption<String> RESULTS_FORMAT = ConfigOptions.key(JobOptions.PREFIX + "results-format")
            .stringType()
            .defaultValue(ResultsFormat.PROTOBUF.flagValue())
            .withDescription("protobuf: ServingResult wire bytes; json: one JSON object per result (protobuf's"
                    + " JSON mapping), for consumers in any language.");

    private DataFormatOptions() {}
}
