package dev.modelserving.job.trust;

import com.google.protobuf.TextFormat;
import dev.modelserving.model.trust.DescriptorSignatures;
import dev.modelserving.model.trust.PemKeys;
import dev.modelserving.model.trust.SigningAlgorithm;
import dev.modelserving.model.trust.TrustPolicy;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.TrustedKey;
import dev.modelserving.proto.TrustedPublisher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

/**
 * The publishers of the job's trust tests: "ci" (Ed25519) may deploy models whose name matches {@code modelNames}
 * for {@code dataType}; "ops" (ECDSA P-256) may roll back and remove any model of it; "stranger" is in no policy.
 */
public final class TestPublishers {

    public final KeyPair ci = PemKeys.generate(SigningAlgorithm.ED25519);
    public final KeyPair ops = PemKeys.generate(SigningAlgorithm.EC_P256);
    public final KeyPair stranger = PemKeys.generate(SigningAlgorithm.ED25519);
    private final String dataType;
    private final String modelNames;

    public TestPublishers(String dataType, String modelNames) {
        this.dataType = dataType;
        this.modelNames = modelNames;
    }

    public dev.modelserving.proto.TrustPolicy policyProto() {
        return dev.modelserving.proto.TrustPolicy.newBuilder()
                .addPublishers(TrustedPublisher.newBuilder()
                        .setId("ci")
                        .addKeys(TrustedKey.newBuilder().setLabel("ci-key").setPem(PemKeys.pem(ci.getPublic())))
                        .addDataTypes(dataType)
                        .addModelNames(modelNames)
                        .addActions(ModelAction.DEPLOY))
                .addPublishers(TrustedPublisher.newBuilder()
                        .setId("ops")
                        .addKeys(TrustedKey.newBuilder().setLabel("ops-key").setPem(PemKeys.pem(ops.getPublic())))
                        .addDataTypes(dataType)
                        .addModelNames("*")
                        .addAllActions(List.of(ModelAction.ROLLBACK, ModelAction.REMOVE)))
                .build();
    }

    public TrustPolicy policy() {
        return TrustPolicy.of(policyProto());
    }

    /** Writes the policy as a text-format file and returns its path. */
    public Path writePolicy(Path dir) throws IOException {
        Path file = dir.resolve("trust-policy.txtpb");
        Files.writeString(file, TextFormat.printer().printToString(policyProto()));
        return file;
    }

    public ModelDescriptor byCi(ModelDescriptor d) {
        return DescriptorSignatures.sign(d, "ci", ci.getPrivate());
    }

    public ModelDescriptor byOps(ModelDescriptor d) {
        return DescriptorSignatures.sign(d, "ops", ops.getPrivate());
    }
}
