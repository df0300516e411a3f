package dev.modelserving.model.trust;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.modelserving.proto.ModelDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Signs and verifies model descriptors. What is signed: the deterministic protobuf serialization of the descriptor
 * with {@code signature} cleared and {@code publisher_id} set, so every other field (artifact, version, action,
 * validation samples, unknown fields) is covered and changing any byte of them breaks the signature. The one
 * exception is {@code origin}: the job's parser writes where it consumed the descriptor there, so it is cleared
 * before signing and verifying (a publisher cannot make a signature depend on it, and setting it changes nothing).
 */
public final class DescriptorSignatures {

    private DescriptorSignatures() {}

    /** The bytes a signature covers: the descriptor without its signature and origin, serialized deterministically. */
    public static byte[] signedBytes(ModelDescriptor descriptor) {
        ModelDescriptor unsigned =
                descriptor.toBuilder().clearSignature().clearOrigin().build();
        byte[] bytes = new byte[unsigned.getSerializedSize()];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.useDeterministicSerialization();
        try {
            unsigned.writeTo(out);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the descriptor", e);
        }
        return bytes;
    }

    /** The descriptor with {@code publisher_id} set to {@code publisherId} and signed with {@code key}. */
    public static ModelDescriptor sign(ModelDescriptor descriptor, String publisherId, PrivateKey key) {
        ModelDescriptor withPublisher = descriptor.toBuilder()
                .setPublisherId(publisherId)
                .clearSignature()
                .build();
        try {
            Signature signer = Signature.getInstance(SigningAlgorithm.of(key).signatureAlgorithm());
            signer.initSign(key);
            signer.update(signedBytes(withPublisher));
            return withPublisher.toBuilder()
                    .setSignature(ByteString.copyFrom(signer.sign()))
                    .build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with this " + key.getAlgorithm() + " key", e);
        }
    }

    /** Whether the descriptor's signature was made over its content with the private key of {@code key}. */
    public static boolean verify(ModelDescriptor descriptor, PublicKey key) {
        if (descriptor.getSignature().isEmpty()) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(SigningAlgorithm.of(key).signatureAlgorithm());
            verifier.initVerify(key);
            verifier.update(signedBytes(descriptor));
            return verifier.verify(descriptor.getSignature().toByteArray());
        } catch (java.security.SignatureException e) {
            return false; // a malformed signature (e.g. not DER for ECDSA) is a signature that does not verify
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot verify with this " + key.getAlgorithm() + " key", e);
        }
    }
}
