package dev.modelserving.model.records;

/** How one record is written in a Kafka value (or one line of a file) that a {@link RecordMapping} reads. */
public enum RecordSyntax {
    /** One JSON object per value; fields addressed by JSON Pointer or dotted paths. */
    JSON,
    /** One CSV line per value (RFC 4180 quoting, no header); fields addressed by the mapping's column names. */
    CSV
}
