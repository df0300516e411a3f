package dev.modelserving.model.trust;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A command-line tool run by a test as an independent second opinion (e.g. {@code openssl} making or checking keys
 * and signatures), with its output and errors in a log file.
 */
public final class ExternalCommand {

    private static final long TIMEOUT_SECONDS = 30;

    private ExternalCommand() {}

    /**
     * Runs {@code command} with its output in {@code log}.
     *
     * @return whether it exited with 0; false also when it could not be started (e.g. the tool is not installed)
     * @throws AssertionError when it does not finish within 30 seconds
     */
    public static boolean run(Path log, String... command) throws InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            return false;
        }
        assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .as("%s finishes", command[0])
                .isTrue();
        return process.exitValue() == 0;
    }
}
