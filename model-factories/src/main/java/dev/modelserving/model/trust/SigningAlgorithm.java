package dev.modelserving.model.trust;

import java.math.BigInteger;
import java.security.Key;
import java.security.interfaces.ECKey;
import java.security.interfaces.EdECKey;
import java.security.spec.ECParameterSpec;
import java.util.Locale;

/**
 * The two signature algorithms a publisher may use, both from the JDK: Ed25519, and ECDSA on P-256 with SHA-256
 * (signatures in DER). The algorithm follows from the key, so descriptors need not name it.
 */
public enum SigningAlgorithm {
    /** Ed25519 (RFC 8032); keys from {@code openssl genpkey -algorithm ed25519}. */
    ED25519("ed25519", "Ed25519", "Ed25519"),
    /** ECDSA on NIST P-256 (secp256r1) with SHA-256; keys from {@code openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256}. */
    EC_P256("ec-p256", "EC", "SHA256withECDSA");

    /** Order of the P-256 base point: identifies the curve of an EC key. */
    private static final BigInteger P256_ORDER =
            new BigInteger("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

    private final String flagValue;
    private final String keyAlgorithm;
    private final String signatureAlgorithm;

    SigningAlgorithm(String flagValue, String keyAlgorithm, String signatureAlgorithm) {
        this.flagValue = flagValue;
        this.keyAlgorithm = keyAlgorithm;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The name on command lines ({@code ed25519}, {@code ec-p256}). */
    public String flagValue() {
        return flagValue;
    }

    /** The JDK {@code KeyFactory} / {@code KeyPairGenerator} algorithm. */
    public String keyAlgorithm() {
        return keyAlgorithm;
    }

    /** The JDK {@code Signature} algorithm. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    /** The algorithm named {@code ed25519} or {@code ec-p256} (case-insensitive). */
    public static SigningAlgorithm fromFlag(String value) {
        for (SigningAlgorithm a : values()) {
            if (a.flagValue.equals(value.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not ed25519|ec-p256");
    }

    /**
     * The algorithm a key signs with.
     *
     * @throws IllegalArgumentException for any other key (RSA, another curve, Ed448)
     */
    public static SigningAlgorithm of(Key key) {
        if (key instanceof EdECKey ed
                && "Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
            return ED25519;
        }
        if (key instanceof ECKey ec && isP256(ec.getParams())) {
            return EC_P256;
        }
        throw new IllegalArgumentException(
                "unsupported key (" + key.getAlgorithm() + describeCurve(key) + "): use Ed25519 or ECDSA P-256");
    }

    private static boolean isP256(ECParameterSpec params) {
        return params != null && params.getOrder().equals(P256_ORDER) && params.getCofactor() == 1;
    }

    private static String describeCurve(Key key) {
        if (key instanceof EdECKey ed) {
            return " " + ed.getParams().getName();
        }
        if (key instanceof ECKey ec) {
            return " on a " + ec.getParams().getCurve().getField().getFieldSize() + "-bit curve other than P-256";
        }
        return "";
    }
}
