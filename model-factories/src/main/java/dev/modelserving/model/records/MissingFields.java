package dev.modelserving.model.records;

/** What a {@link RecordMapper} does when a record lacks a mapped feature (absent, JSON null, or an empty CSV cell). */
public enum MissingFields {
    /** The record is refused with a reason naming the field (the job makes it a dead letter). Default. */
    REFUSE,
    /**
     * The feature is left out of the record, so the model decides: a PMML model applies its missing-value treatment,
     * any other model answers FAILED naming the feature. A missing key, id or event time falls back to the Kafka
     * record's.
     */
    OMIT
}
