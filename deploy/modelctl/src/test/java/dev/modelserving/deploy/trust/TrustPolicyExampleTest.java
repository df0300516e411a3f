package dev.modelserving.deploy.trust;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.RepositoryRoot;
import dev.modelserving.model.trust.DescriptorSignatures;
import dev.modelserving.model.trust.PemKeys;
import dev.modelserving.model.trust.SigningAlgorithm;
import dev.modelserving.model.trust.TrustDecision.Verdict;
import dev.modelserving.model.trust.TrustPolicy;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import org.junit.jupiter.api.Test;

/** The shipped example policy ({@code deploy/trust/trust-policy.example.txtpb}) parses and means what it says. */
class TrustPolicyExampleTest {

    @Test
    void theExamplePolicyParsesWithRotatedKeysAndItsRights() throws Exception {
        TrustPolicy policy = TrustPolicy.read(RepositoryRoot.resolve("deploy/trust/trust-policy.example.txtpb"));
        assertThat(policy.publisherIds()).containsExactly("ci-forecasts", "ops-oncall");
        var ci = policy.toProto().getPublishers(0);
        assertThat(ci.getKeysList())
                .extracting(k -> SigningAlgorithm.of(PemKeys.publicKey(k.getPem())))
                .containsExactly(SigningAlgorithm.ED25519, SigningAlgorithm.EC_P256);

        // Nobody has the example's private keys: a descriptor signed with any other key is refused.
        ModelDescriptor d = ModelDescriptor.newBuilder()
                .setDataType("sensor")
                .setName("temperature-forecast")
                .setVersion(1)
                .build();
        var key = PemKeys.generate(SigningAlgorithm.ED25519).getPrivate();
        assertThat(policy.check(DescriptorSignatures.sign(d, "ci-forecasts", key), true)
                        .verdict())
                .isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(policy.check(d, true).verdict()).isEqualTo(Verdict.UNSIGNED);
        assertThat(policy.check(
                                DescriptorSignatures.sign(
                                        d.toBuilder()
                                                .setAction(ModelAction.REMOVE)
                                                .build(),
                                        "intruder",
                                        key),
                                true)
                        .verdict())
                .isEqualTo(Verdict.UNKNOWN_PUBLISHER);
    }
}
