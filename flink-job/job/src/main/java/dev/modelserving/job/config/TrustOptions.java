package dev.modelserving.job.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Which model publishers the job trusts, and whether descriptors must be signed. */
public final class TrustOptions {

    /** The trust policy file (protobuf text format), read at submission. */
    public static final ConfigOption<String> TRUST_POLICY = ConfigOptions.key(JobOptions.PREFIX + "trust-policy")
            .stringType()
            .noDefaultValue()
            .withDescription("The trust policy file (protobuf text format: publishers, keys, what each may do),"
                    + " read at submission with its key files; see \"Security model\". Default: descriptors are"
                    + " not verified.");

    /** Whether unsigned descriptors are rejected. */
    public static final ConfigOption<Boolean> REQUIRE_SIGNATURES = ConfigOptions.key(
                    JobOptions.PREFIX + "require-signatures")
            .booleanType()
            .defaultValue(false)
            .withDescription("Reject unsigned descriptors (the flag alone means true); needs --trust-policy.");

    private TrustOptions() {}
}
