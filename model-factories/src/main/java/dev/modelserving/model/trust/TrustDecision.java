package dev.modelserving.model.trust;

/**
 * What the trust policy says about one descriptor: accepted, or refused for a reason of a given kind (each kind has
 * its own metric in the job).
 *
 * @param verdict accepted (signed and allowed, or unsigned where signatures are optional) or the kind of refusal
 * @param reason the explanation, for the REJECTED model event
 */
public record TrustDecision(Verdict verdict, String reason) {

    /** The outcome; every value but {@link #TRUSTED} and {@link #UNSIGNED_ALLOWED} is a refusal. */
    public enum Verdict {
        /** Signed by a key of a listed publisher, which may do this. */
        TRUSTED("trusted"),
        /** Unsigned, and the job does not require signatures. */
        UNSIGNED_ALLOWED("unsignedAllowed"),
        /** No signature, and the job requires one. */
        UNSIGNED("unsigned"),
        /** Signed, but the publisher id is empty or not in the policy. */
        UNKNOWN_PUBLISHER("unknownPublisher"),
        /** The signature does not verify with any key of the publisher: another key, or changed after signing. */
        BAD_SIGNATURE("badSignature"),
        /** The publisher may not publish for this data type. */
        DATA_TYPE_NOT_ALLOWED("dataTypeNotAllowed"),
        /** The publisher may not publish this model name. */
        MODEL_NAME_NOT_ALLOWED("modelNameNotAllowed"),
        /** The publisher may not take this action (DEPLOY, ROLLBACK, REMOVE). */
        ACTION_NOT_ALLOWED("actionNotAllowed");

        private final String metricName;

        Verdict(String metricName) {
            this.metricName = metricName;
        }

        /** A short camel-case name for metrics. */
        public String metricName() {
            return metricName;
        }

        public boolean accepted() {
            return this == TRUSTED || this == UNSIGNED_ALLOWED;
        }
    }

    public boolean accepted() {
        return verdict.accepted();
    }

    static TrustDecision refused(Verdict verdict, String reason) {
        return new TrustDecision(verdict, "untrusted: " + reason);
    }
}
