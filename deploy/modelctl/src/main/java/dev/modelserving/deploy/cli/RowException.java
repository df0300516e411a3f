package dev.modelserving.deploy.cli;

/** One CSV row cannot become a record (missing, empty, NaN or non-numeric cell, wrong number of cells). */
final class RowException extends Exception {

    private static final long serialVersionUID = 1L;

    RowException(String message) {
        super(message);
    }
}
