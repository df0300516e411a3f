package dev.modelserving.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker key store and a client trust store (PKCS12) for TLS on 127.0.0.1, made by the JDK's {@code keytool} into
 * a directory the caller owns (a test's temporary directory): one self-signed RSA certificate for {@code 127.0.0.1}
 * and {@code localhost} (as subject alternative names, so clients keep host name verification on), valid for two
 * days, with random store passwords. For tests and local runs only: nothing vouches for the certificate but the trust
 * store made with it.
 *
 * @param keyStore the broker's key store (private key and certificate)
 * @param keyStorePassword its password (also the key's)
 * @param trustStore the clients' trust store (the certificate)
 * @param trustStorePassword its password
 */
public record SelfSignedTls(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {

    private static final String ALIAS = "embedded-kafka";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    /** Hides the passwords. */
    @Override
    public String toString() {
        return "SelfSignedTls[keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
    }

    /**
     * Generates the stores in {@code directory} ({@code broker.p12}, {@code truststore.p12}).
     *
     * @throws IllegalStateException when keytool fails or cannot be run
     */
    public static SelfSignedTls generate(Path directory) {
        Path keyStore = directory.resolve("broker.p12");
        Path certificate = directory.resolve("broker.crt");
        Path trustStore = directory.resolve("truststore.p12");
        String keyPassword = randomPassword();
        String trustPassword = randomPassword();
        keytool(
                "-genkeypair",
                "-alias",
                ALIAS,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=127.0.0.1, OU=embedded-kafka",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                keyPassword,
                "-keypass",
                keyPassword);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                ALIAS,
                "-keystore",
                keyStore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                keyPassword,
                "-file",
                certificate.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                ALIAS,
                "-file",
                certificate.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                trustStore.toString(),
                "-storepass",
                trustPassword);
        if (!Files.isRegularFile(keyStore) || !Files.isRegularFile(trustStore)) {
            throw new IllegalStateException("keytool wrote no stores to " + directory);
        }
        return new SelfSignedTls(keyStore, keyPassword, trustStore, trustPassword);
    }

    private static String randomPassword() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(
                        "keytool " + arguments[0] + " did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        "keytool " + arguments[0] + " failed (exit " + process.exitValue() + "): " + output.strip());
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run keytool: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }
}
