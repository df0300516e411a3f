package dev.modelserving.model.records;

/**
 * A record that a {@link RecordMapper} cannot turn into a {@code DataRecord}: the message names the field and what
 * is wrong with it ("feature 'pH' (field 'lab.ph'): 'high' is not a number"). The job makes it a dead letter.
 */
public final class RecordMappingException extends Exception {

    private static final long serialVersionUID = 1L;

    public RecordMappingException(String message) {
        super(message);
    }

    public RecordMappingException(String message, Throwable cause) {
        super(message, cause);
    }
}
