package dev.modelserving.model.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.trust.TrustDecision.Verdict;
import dev.modelserving.proto.ModelAction;
import dev.modelserving.proto.ModelDescriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustPolicyTest {

    private static final TrustKeys KEYS = new TrustKeys();

    @TempDir
    Path dir;

    /** ci: both keys (rotation), sensor-* data types, forecast-* names, DEPLOY only; ops: ROLLBACK/REMOVE of any. */
    private TrustPolicy policy() throws Exception {
        Files.createDirectories(dir.resolve("keys"));
        Files.writeString(dir.resolve("keys/ci-2026.pem"), PemKeys.pem(KEYS.ciEc.getPublic()));
        String text = """
                # the CI pipeline: deploys forecasts
                publishers {
                  id: "ci"
                  keys { file: "keys/ci-2026.pem" }
                  keys { label: "ci-2027" pem: "%s" }
                  data_types: "sensor-*"
                  model_names: "forecast-*"
                  actions: DEPLOY
                }
                publishers {
                  id: "ops"
                  keys { pem: "%s" }
                  data_types: "*"
                  model_names: "*"
                  actions: [ROLLBACK, REMOVE]
                }
                """.formatted(
                        PemKeys.pem(KEYS.ciEd.getPublic()).replace("\n", "\\n"),
                        PemKeys.pem(KEYS.stranger.getPublic()).replace("\n", "\\n"));
        Files.writeString(dir.resolve("policy.txtpb"), text);
        return TrustPolicy.read(dir.resolve("policy.txtpb"));
    }

    private static ModelDescriptor deploy(String dataType, String name) {
        return ModelDescriptor.newBuilder()
                .setDataType(dataType)
                .setName(name)
                .setVersion(2)
                .build();
    }

    private static ModelDescriptor signed(ModelDescriptor d, String publisher, KeyPair key) {
        return DescriptorSignatures.sign(d, publisher, key.getPrivate());
    }

    @Test
    void rotatedKeysAreBothValid() throws Exception {
        TrustPolicy policy = policy();
        assertThat(policy.publisherIds()).containsExactly("ci", "ops");
        for (KeyPair key : new KeyPair[] {KEYS.ciEc, KEYS.ciEd}) {
            TrustDecision decision = policy.check(signed(deploy("sensor-a", "forecast-1"), "ci", key), true);
            assertThat(decision.verdict()).isEqualTo(Verdict.TRUSTED);
            assertThat(decision.accepted()).isTrue();
        }
    }

    @Test
    void unsignedIsRefusedOnlyWhenSignaturesAreRequired() throws Exception {
        TrustPolicy policy = policy();
        TrustDecision required = policy.check(deploy("sensor-a", "forecast-1"), true);
        assertThat(required.verdict()).isEqualTo(Verdict.UNSIGNED);
        assertThat(required.accepted()).isFalse();
        assertThat(required.reason()).startsWith("untrusted: the descriptor is not signed");
        assertThat(policy.check(deploy("sensor-a", "forecast-1"), false).verdict())
                .isEqualTo(Verdict.UNSIGNED_ALLOWED);
        assertThat(policy.check(signed(deploy("sensor-a", "forecast-1"), "ci", KEYS.stranger), false)
                        .verdict())
                .as("a signed descriptor is checked even when signatures are optional")
                .isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void eachRefusalHasItsKindAndReason() throws Exception {
        TrustPolicy policy = policy();
        assertRefused(
                policy,
                signed(deploy("sensor-a", "forecast-1"), "nobody", KEYS.ciEd),
                Verdict.UNKNOWN_PUBLISHER,
                "publisher 'nobody' is not in the trust policy");
        assertRefused(
                policy,
                signed(deploy("sensor-a", "forecast-1"), "", KEYS.ciEd),
                Verdict.UNKNOWN_PUBLISHER,
                "publisher_id is empty");
        assertRefused(
                policy,
                signed(deploy("sensor-a", "forecast-1"), "ci", KEYS.stranger),
                Verdict.BAD_SIGNATURE,
                "does not verify with any of the 2 key(s) [keys/ci-2026.pem, ci-2027]");
        ModelDescriptor good = signed(deploy("sensor-a", "forecast-1"), "ci", KEYS.ciEd);
        assertRefused(
                policy,
                good.toBuilder().setVersion(Long.MAX_VALUE).build(),
                Verdict.BAD_SIGNATURE,
                "changed after signing");
        assertRefused(policy, good.toBuilder().setPublisherId("ops").build(), Verdict.BAD_SIGNATURE, "publisher 'ops'");
        assertRefused(
                policy,
                signed(deploy("billing", "forecast-1"), "ci", KEYS.ciEd),
                Verdict.DATA_TYPE_NOT_ALLOWED,
                "may not publish for data type 'billing' (allowed: [sensor-*])");
        assertRefused(
                policy,
                signed(deploy("sensor-a", "evil-model"), "ci", KEYS.ciEd),
                Verdict.MODEL_NAME_NOT_ALLOWED,
                "may not publish model 'evil-model' (allowed: [forecast-*])");
        assertRefused(
                policy,
                signed(
                        deploy("sensor-a", "forecast-1").toBuilder()
                                .setAction(ModelAction.REMOVE)
                                .build(),
                        "ci",
                        KEYS.ciEd),
                Verdict.ACTION_NOT_ALLOWED,
                "may not REMOVE (allowed: [DEPLOY])");
        assertRefused(
                policy,
                signed(deploy("sensor-a", "forecast-1"), "ops", KEYS.stranger),
                Verdict.ACTION_NOT_ALLOWED,
                "may not DEPLOY (allowed: [REMOVE, ROLLBACK])");
        assertThat(policy.check(
                                signed(
                                        deploy("x", "y").toBuilder()
                                                .setAction(ModelAction.ROLLBACK)
                                                .build(),
                                        "ops",
                                        KEYS.stranger),
                                true)
                        .verdict())
                .isEqualTo(Verdict.TRUSTED);
    }

    private static void assertRefused(TrustPolicy policy, ModelDescriptor d, Verdict verdict, String reason) {
        TrustDecision decision = policy.check(d, true);
        assertThat(decision.verdict()).as(decision.reason()).isEqualTo(verdict);
        assertThat(decision.accepted()).isFalse();
        assertThat(decision.reason()).startsWith("untrusted: ").contains(reason);
    }

    @Test
    void thePolicyTravelsSerializedWithItsKeysInline() throws Exception {
        TrustPolicy policy = policy();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(policy);
        }
        Files.delete(dir.resolve("keys/ci-2026.pem"));
        TrustPolicy copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (TrustPolicy) in.readObject();
        }
        assertThat(copy.toProto()).isEqualTo(policy.toProto());
        assertThat(copy.toProto().getPublishers(0).getKeys(0).hasPem()).isTrue();
        assertThat(copy.check(signed(deploy("sensor-a", "forecast-1"), "ci", KEYS.ciEc), true)
                        .verdict())
                .isEqualTo(Verdict.TRUSTED);
    }

    @Test
    void invalidPoliciesAreRefusedWithWhere() {
        assertInvalid(
                "publishers { id: \"a\" keys { pem: \"x\" } data_types: \"*\" model_names: \"*\""
                        + " actions: DEPLOY }",
                "publisher 'a': key #1: no PEM block");
        assertInvalid("publishers { id: \"a\" data_types: \"*\" }", "publisher 'a': no keys");
        String key = "keys { pem: \"" + PemKeys.pem(KEYS.ciEd.getPublic()).replace("\n", "\\n") + "\" }";
        assertInvalid(
                "publishers { id: \"a\" " + key + " model_names: \"*\" actions: DEPLOY }",
                "no data_types (use \"*\" for any)");
        assertInvalid(
                "publishers { id: \"a\" " + key + " data_types: \"*\" model_names: \"a*b\" actions: DEPLOY }",
                "'*' is only allowed at the end");
        assertInvalid("publishers { id: \"a\" " + key + " data_types: \"*\" model_names: \"*\" }", "no actions");
        assertInvalid(
                "publishers { id: \"a\" " + key + " data_types: \"*\" model_names: \"*\" actions: DEPLOY }"
                        + " publishers { id: \"a\" " + key + " data_types: \"*\" model_names: \"*\" actions: DEPLOY }",
                "publisher 'a' is listed twice");
        assertInvalid("publishers { name: \"a\" }", "not a TrustPolicy in protobuf text format");
        assertInvalid("publishers { id: \"a\" keys { file: \"missing.pem\" } }", "missing.pem");
    }

    private void assertInvalid(String text, String message) {
        assertThatThrownBy(() -> {
                    Files.writeString(dir.resolve("bad.txtpb"), text);
                    TrustPolicy.read(dir.resolve("bad.txtpb"));
                })
                .hasMessageContaining(message);
    }
}
