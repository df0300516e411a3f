package dev.modelserving.flink.parse;

/** Thrown by a {@link PayloadParser} for input it refuses; the message becomes the dead letter's reason. */
public final class InvalidPayloadException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidPayloadException(String reason) {
        super(reason);
    }

    public InvalidPayloadException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
