package dev.modelserving.model.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DescriptorSignaturesTest {

    private static final TrustKeys KEYS = new TrustKeys();

    @TempDir
    Path dir;

    static ModelDescriptor descriptor() {
        return ModelDescriptor.newBuilder()
                .setName("forecast")
                .setVersion(3)
                .setDataType("sensor")
                .setModelType(ModelType.PMML)
                .setArtifactBytes(ByteString.copyFromUtf8("<PMML>model</PMML>"))
                .build();
    }

    private static KeyPair pair(SigningAlgorithm algorithm) {
        return algorithm == SigningAlgorithm.ED25519 ? KEYS.ciEd : KEYS.ciEc;
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void aSignedDescriptorVerifiesWithItsKeyOnly(SigningAlgorithm algorithm) {
        ModelDescriptor signed =
                DescriptorSignatures.sign(descriptor(), "ci", pair(algorithm).getPrivate());
        assertThat(signed.getPublisherId()).isEqualTo("ci");
        assertThat(signed.getSignature().isEmpty()).isFalse();
        assertThat(DescriptorSignatures.verify(signed, pair(algorithm).getPublic()))
                .isTrue();
        assertThat(DescriptorSignatures.verify(signed, KEYS.stranger.getPublic()))
                .as("another key")
                .isFalse();
        assertThat(DescriptorSignatures.verify(descriptor(), pair(algorithm).getPublic()))
                .as("unsigned")
                .isFalse();
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void anyChangeAfterSigningBreaksTheSignature(SigningAlgorithm algorithm) {
        PublicKey key = pair(algorithm).getPublic();
        ModelDescriptor signed =
                DescriptorSignatures.sign(descriptor(), "ci", pair(algorithm).getPrivate());
        byte[] artifact = signed.getArtifactBytes().toByteArray();
        artifact[3] ^= 1;
        assertThat(DescriptorSignatures.verify(
                        signed.toBuilder()
                                .setArtifactBytes(ByteString.copyFrom(artifact))
                                .build(),
                        key))
                .as("one bit of the artifact")
                .isFalse();
        assertThat(DescriptorSignatures.verify(
                        signed.toBuilder().setVersion(Long.MAX_VALUE).build(), key))
                .as("the version")
                .isFalse();
        assertThat(DescriptorSignatures.verify(
                        signed.toBuilder().setPublisherId("other").build(), key))
                .as("the publisher")
                .isFalse();
        assertThat(DescriptorSignatures.verify(
                        signed.toBuilder().setDataType("other").build(), key))
                .as("the data type")
                .isFalse();
        byte[] signature = signed.getSignature().toByteArray();
        signature[signature.length - 1] ^= 1;
        assertThat(DescriptorSignatures.verify(
                        signed.toBuilder()
                                .setSignature(ByteString.copyFrom(signature))
                                .build(),
                        key))
                .as("the signature itself")
                .isFalse();
        assertThat(DescriptorSignatures.verify(
                        signed.toBuilder()
                                .setSignature(ByteString.copyFromUtf8("junk"))
                                .build(),
                        key))
                .as("a malformed signature")
                .isFalse();
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void theOriginIsNeitherSignedNorAbleToBreakOrForgeASignature(SigningAlgorithm algorithm) {
        PublicKey key = pair(algorithm).getPublic();
        dev.modelserving.proto.DescriptorOrigin publisherSet = dev.modelserving.proto.DescriptorOrigin.newBuilder()
                .setTopic("forged")
                .setPartition(7)
                .setOffset(99)
                .build();
        ModelDescriptor signedWithOrigin = DescriptorSignatures.sign(
                descriptor().toBuilder().setOrigin(publisherSet).build(),
                "ci",
                pair(algorithm).getPrivate());
        ModelDescriptor signedWithout =
                DescriptorSignatures.sign(descriptor(), "ci", pair(algorithm).getPrivate());
        assertThat(DescriptorSignatures.signedBytes(signedWithOrigin))
                .as("the origin is not part of what is signed")
                .isEqualTo(DescriptorSignatures.signedBytes(signedWithout));
        ModelDescriptor consumed = signedWithOrigin.toBuilder()
                .setOrigin(publisherSet.toBuilder()
                        .setTopic("models")
                        .setPartition(0)
                        .setOffset(12))
                .build();
        assertThat(DescriptorSignatures.verify(consumed, key))
                .as("origin overwritten by the parser")
                .isTrue();
        assertThat(DescriptorSignatures.verify(
                        signedWithout.toBuilder().setOrigin(publisherSet).build(), key))
                .as("origin added after signing")
                .isTrue();
        assertThat(DescriptorSignatures.verify(
                        consumed.toBuilder().setVersion(4).build(), key))
                .as("other fields stay covered")
                .isFalse();
    }

    @Test
    void theSignatureSurvivesTheWireAndCoversUnknownFields() throws Exception {
        ModelDescriptor signed = DescriptorSignatures.sign(descriptor(), "ci", KEYS.ciEd.getPrivate());
        ModelDescriptor received = ModelDescriptor.parseFrom(signed.toByteArray());
        assertThat(DescriptorSignatures.verify(received, KEYS.ciEd.getPublic())).isTrue();
        byte[] withExtra = ByteString.copyFrom(signed.toByteArray())
                .concat(ByteString.copyFrom(new byte[] {(byte) 0xF8, 0x06, 0x01}))
                .toByteArray(); // field 111 = 1
        ModelDescriptor extended = ModelDescriptor.parseFrom(withExtra);
        assertThat(extended.getUnknownFields().asMap()).isNotEmpty();
        assertThat(DescriptorSignatures.verify(extended, KEYS.ciEd.getPublic()))
                .as("a field added later")
                .isFalse();
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void pemFilesRoundTrip(SigningAlgorithm algorithm) throws IOException {
        KeyPair pair = pair(algorithm);
        Files.writeString(dir.resolve("private.pem"), PemKeys.pem(pair.getPrivate()));
        Files.writeString(dir.resolve("public.pem"), PemKeys.pem(pair.getPublic()));
        assertThat(Files.readString(dir.resolve("private.pem"))).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(dir.resolve("public.pem"))).startsWith("-----BEGIN PUBLIC KEY-----\n");
        PrivateKey privateKey = PemKeys.readPrivateKey(dir.resolve("private.pem"));
        PublicKey publicKey = PemKeys.readPublicKey(dir.resolve("public.pem"));
        assertThat(SigningAlgorithm.of(publicKey)).isEqualTo(algorithm);
        ModelDescriptor signed = DescriptorSignatures.sign(descriptor(), "ci", privateKey);
        assertThat(DescriptorSignatures.verify(signed, pair.getPublic())).isTrue();
        assertThat(DescriptorSignatures.verify(
                        DescriptorSignatures.sign(descriptor(), "ci", pair.getPrivate()), publicKey))
                .isTrue();
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void opensslKeysSignAndVerify(SigningAlgorithm algorithm) throws Exception {
        Path privateFile = dir.resolve("openssl-private.pem");
        Path publicFile = dir.resolve("openssl-public.pem");
        String[] genpkey = algorithm == SigningAlgorithm.ED25519
                ? new String[] {"openssl", "genpkey", "-algorithm", "ed25519", "-out", privateFile.toString()}
                : new String[] {
                    "openssl",
                    "genpkey",
                    "-algorithm",
                    "EC",
                    "-pkeyopt",
                    "ec_paramgen_curve:P-256",
                    "-out",
                    privateFile.toString()
                };
        Assumptions.assumeTrue(run(genpkey), "openssl is not on this machine");
        assertThat(run("openssl", "pkey", "-in", privateFile.toString(), "-pubout", "-out", publicFile.toString()))
                .isTrue();
        PrivateKey privateKey = PemKeys.readPrivateKey(privateFile);
        PublicKey publicKey = PemKeys.readPublicKey(publicFile);
        assertThat(SigningAlgorithm.of(privateKey)).isEqualTo(algorithm);
        ModelDescriptor signed = DescriptorSignatures.sign(descriptor(), "ci", privateKey);
        assertThat(DescriptorSignatures.verify(signed, publicKey)).isTrue();
        assertThat(DescriptorSignatures.verify(signed, KEYS.stranger.getPublic()))
                .isFalse();

        // and openssl itself verifies the JDK's signature over the signed bytes
        Files.write(dir.resolve("signed.bin"), DescriptorSignatures.signedBytes(signed));
        Files.write(dir.resolve("signature.bin"), signed.getSignature().toByteArray());
        String[] verify = algorithm == SigningAlgorithm.ED25519
                ? new String[] {
                    "openssl",
                    "pkeyutl",
                    "-verify",
                    "-pubin",
                    "-inkey",
                    publicFile.toString(),
                    "-rawin",
                    "-in",
                    dir.resolve("signed.bin").toString(),
                    "-sigfile",
                    dir.resolve("signature.bin").toString()
                }
                : new String[] {
                    "openssl",
                    "dgst",
                    "-sha256",
                    "-verify",
                    publicFile.toString(),
                    "-signature",
                    dir.resolve("signature.bin").toString(),
                    dir.resolve("signed.bin").toString()
                };
        assertThat(run(verify)).as("openssl verifies").isTrue();
    }

    @Test
    void otherKeysAreRefusedWithAReason() throws Exception {
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair pair = rsa.generateKeyPair();
        assertThatThrownBy(() -> PemKeys.publicKey(PemKeys.pem(pair.getPublic())))
                .hasMessageContaining("neither an Ed25519 nor an ECDSA P-256 key");
        java.security.KeyPairGenerator p384 = java.security.KeyPairGenerator.getInstance("EC");
        p384.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"));
        assertThatThrownBy(() -> SigningAlgorithm.of(p384.generateKeyPair().getPublic()))
                .hasMessageContaining("other than P-256");
        assertThatThrownBy(() -> PemKeys.privateKey(PemKeys.pem(KEYS.ciEd.getPublic())))
                .hasMessageContaining("a PUBLIC KEY block, expected PRIVATE KEY");
        assertThatThrownBy(() -> PemKeys.publicKey("hello")).hasMessageContaining("no PEM block");
    }

    private boolean run(String... command) throws Exception {
        return ExternalCommand.run(dir.resolve("openssl.log"), command);
    }
}
