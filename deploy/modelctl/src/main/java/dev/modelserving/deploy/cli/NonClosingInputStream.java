package dev.modelserving.deploy.cli;

import java.io.FilterInputStream;
import java.io.InputStream;

/** Standard input handed to code that closes what it reads: closing it leaves the process's stream open. */
final class NonClosingInputStream extends FilterInputStream {

    NonClosingInputStream(InputStream in) {
        super(in);
    }

    @Override
    public void close() {
        // The process owns standard input.
    }
}
