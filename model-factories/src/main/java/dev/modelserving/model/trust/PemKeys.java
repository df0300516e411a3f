package dev.modelserving.model.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes keys as the standard PEM files {@code openssl} uses: private keys as unencrypted PKCS#8
 * ({@code -----BEGIN PRIVATE KEY-----}), public keys as X.509 SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}).
 * Only Ed25519 and ECDSA P-256 keys are accepted ({@link SigningAlgorithm}); JDK crypto only.
 */
public final class PemKeys {

    private static final String PRIVATE_LABEL = "PRIVATE KEY";
    private static final String PUBLIC_LABEL = "PUBLIC KEY";
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

    private PemKeys() {}

    /** A new key pair of that algorithm (from the JDK's default secure random source). */
    public static KeyPair generate(SigningAlgorithm algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.keyAlgorithm());
            if (algorithm == SigningAlgorithm.EC_P256) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate " + algorithm + " keys", e);
        }
    }

    /**
     * The public key in a PEM text.
     *
     * @throws IllegalArgumentException not one PUBLIC KEY block of an Ed25519 or P-256 key
     */
    public static PublicKey publicKey(String pem) {
        byte[] der = decode(pem, PUBLIC_LABEL);
        for (SigningAlgorithm algorithm : SigningAlgorithm.values()) {
            try {
                PublicKey key =
                        KeyFactory.getInstance(algorithm.keyAlgorithm()).generatePublic(new X509EncodedKeySpec(der));
                SigningAlgorithm.of(key);
                return key;
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm: try the next one
            }
        }
        throw new IllegalArgumentException("the PUBLIC KEY is neither an Ed25519 nor an ECDSA P-256 key");
    }

    /**
     * The private key in a PEM text.
     *
     * @throws IllegalArgumentException not one PRIVATE KEY (PKCS#8, unencrypted) block of an Ed25519 or P-256 key
     */
    public static PrivateKey privateKey(String pem) {
        byte[] der = decode(pem, PRIVATE_LABEL);
        for (SigningAlgorithm algorithm : SigningAlgorithm.values()) {
            try {
                PrivateKey key =
                        KeyFactory.getInstance(algorithm.keyAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
                SigningAlgorithm.of(key);
                return key;
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // not this algorithm: try the next one
            }
        }
        throw new IllegalArgumentException("the PRIVATE KEY is neither an Ed25519 nor an ECDSA P-256 key");
    }

    /** Reads a public key file. */
    public static PublicKey readPublicKey(Path file) throws IOException {
        return withFile(file, () -> publicKey(Files.readString(file, StandardCharsets.US_ASCII)));
    }

    /** Reads a private key file. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        return withFile(file, () -> privateKey(Files.readString(file, StandardCharsets.US_ASCII)));
    }

    /** The PEM text of a public key (X.509 SubjectPublicKeyInfo). */
    public static String pem(PublicKey key) {
        return encode(PUBLIC_LABEL, key.getEncoded());
    }

    /** The PEM text of a private key (PKCS#8, unencrypted: protect the file). */
    public static String pem(PrivateKey key) {
        return encode(PRIVATE_LABEL, key.getEncoded());
    }

    private static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] decode(String pem, String label) {
        Matcher matcher = BLOCK.matcher(pem);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no PEM block (expected -----BEGIN " + label + "-----)");
        }
        if (!matcher.group(1).equals(label)) {
            String hint = matcher.group(1).equals("ENCRYPTED PRIVATE KEY")
                    ? " (an encrypted key: decrypt it with" + " `openssl pkey -in KEY -out PLAIN`)"
                    : "";
            throw new IllegalArgumentException("a " + matcher.group(1) + " block, expected " + label + hint);
        }
        try {
            return Base64.getMimeDecoder().decode(matcher.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + label + " block is not base64: " + e.getMessage(), e);
        }
    }

    private interface KeyReader<K> {
        K read() throws IOException;
    }

    private static <K> K withFile(Path file, KeyReader<K> reader) throws IOException {
        try {
            return reader.read();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
