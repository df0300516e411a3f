package dev.modelserving.deploy.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * The Kafka client settings of a command, from {@code --command-config FILE}: a Java properties file as Kafka's own
 * tools take it ({@code kafka-topics.sh --command-config}, {@code kafka-console-consumer.sh --consumer.config}),
 * typically {@code security.protocol}, {@code sasl.*} and {@code ssl.*}. modelctl's own settings (brokers,
 * serializers, timeouts, acks) are applied after them and win. Values are never printed: they hold passwords.
 *
 * <p>Also says, in one line, when the brokers refused those settings: failed authentication or a missing ACL.
 */
final class CommandConfig {

    /** The flag, as messages name it. */
    static final String FLAG = "--command-config";

    private CommandConfig() {}

    /**
     * The properties of {@code file}; none when it is null.
     *
     * @throws CliException when the file cannot be read or parsed (the message names the file, never a value)
     */
    static Map<String, String> load(Path file) throws CliException {
        if (file == null) {
            return Map.of();
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            properties.load(reader);
        } catch (IOException e) {
            throw IoMessages.failure("cannot read " + FLAG + " " + file, e);
        } catch (IllegalArgumentException e) {
            throw new CliException(
                    "cannot read " + FLAG + " " + file + ": not a properties file (" + e.getMessage() + ")", e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            values.put(key, properties.getProperty(key));
        }
        return values;
    }

    /**
     * The one-line failure when {@code failure} (or one of its causes) is the brokers refusing the client's
     * credentials or permissions; empty for any other failure.
     */
    static Optional<CliException> refusal(String bootstrapServers, Throwable failure) {
        for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof AuthenticationException) {
                return Optional.of(new CliException(
                        "authentication failed against " + bootstrapServers + ": " + reason(e) + "; check " + FLAG,
                        failure));
            }
            if (e instanceof AuthorizationException) {
                return Optional.of(new CliException(
                        "not authorized on " + bootstrapServers + ": " + reason(e) + "; check the ACLs of the user in "
                                + FLAG,
                        failure));
            }
        }
        return Optional.empty();
    }

    /** The hint for brokers that did not answer: a secured listener looks like that to a plaintext client. */
    static String silenceHint(boolean configured) {
        return configured
                ? "are they running, is the address right, does " + FLAG + " match their listener?"
                : "are they running, is the address right? brokers that require TLS or SASL look like this too:"
                        + " give their settings with " + FLAG;
    }

    /** The exception's message without Kafka's redundant prefix, with the root cause when it adds something. */
    private static String reason(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        message = message.replaceFirst("^Authentication failed: ", "");
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message = message + " (" + root.getMessage() + ")";
        }
        return message;
    }
}
