package dev.modelserving.deploy.demo;

import com.google.protobuf.TextFormat;
import dev.modelserving.model.sensor.MachineFeatureRecords;
import dev.modelserving.model.trust.DescriptorSignatures;
import dev.modelserving.model.trust.PemKeys;
import dev.modelserving.model.trust.SigningAlgorithm;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.TrustPolicy;
import dev.modelserving.proto.TrustedKey;
import dev.modelserving.proto.TrustedPublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;

/**
 * The local demo's publisher: a fresh Ed25519 key pair, a trust policy (in the demo's temporary directory) that trusts
 * it for the sample data type, and a second key nobody trusts, to forge a descriptor the job must reject.
 *
 * @param policyFile the trust policy, for {@code --trust-policy}
 * @param publicKeyFile the trusted public key, referenced by the policy
 * @param key the trusted private key
 * @param untrusted a key the policy does not list
 */
record DemoPublisher(Path policyFile, Path publicKeyFile, PrivateKey key, PrivateKey untrusted) {

    /** The publisher id in the demo's policy and descriptors. */
    static final String ID = "demo-publisher";

    /** Makes the keys and writes the policy (text format, as a user would) into {@code dir}. */
    static DemoPublisher create(Path dir) throws IOException {
        KeyPair pair = PemKeys.generate(SigningAlgorithm.ED25519);
        Path publicKey = dir.resolve("demo-publisher.pub.pem");
        Files.writeString(publicKey, PemKeys.pem(pair.getPublic()));
        TrustPolicy policy = TrustPolicy.newBuilder()
                .addPublishers(TrustedPublisher.newBuilder()
                        .setId(ID)
                        .addKeys(TrustedKey.newBuilder()
                                .setFile(publicKey.getFileName().toString())
                                .setLabel("demo"))
                        .addDataTypes(MachineFeatureRecords.DATA_TYPE)
                        .addModelNames("*")
                        .addActions(ModelAction.DEPLOY)
                        .addActions(ModelAction.ROLLBACK)
                        .addActions(ModelAction.REMOVE))
                .build();
        Path policyFile = dir.resolve("trust-policy.txtpb");
        Files.writeString(
                policyFile,
                "# written by the local demo: trust its own publisher key\n"
                        + TextFormat.printer().printToString(policy));
        return new DemoPublisher(
                policyFile,
                publicKey,
                pair.getPrivate(),
                PemKeys.generate(SigningAlgorithm.ED25519).getPrivate());
    }

    /** The descriptor signed by the trusted publisher. */
    ModelDescriptor sign(ModelDescriptor d) {
        return DescriptorSignatures.sign(d, ID, key);
    }

    /** The descriptor claiming to be from the trusted publisher, but signed with another key. */
    ModelDescriptor forge(ModelDescriptor d) {
        return DescriptorSignatures.sign(d, ID, untrusted);
    }
}
