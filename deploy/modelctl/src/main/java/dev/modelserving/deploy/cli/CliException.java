package dev.modelserving.deploy.cli;

/**
 * A failure the user can act on (unreadable file, bad CSV, model that does not load or validate): reported as one
 * line {@code modelctl: <message>} on stderr, with the stack trace only under {@code --verbose}.
 */
public final class CliException extends Exception {

    private static final long serialVersionUID = 1L;

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
