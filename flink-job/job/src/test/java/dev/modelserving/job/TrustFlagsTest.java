package dev.modelserving.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.job.trust.TestPublishers;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --trust-policy} and {@code --require-signatures}. */
class TrustFlagsTest {

    @TempDir
    Path dir;

    @Test
    void noPolicyByDefault() {
        ServingJobConfig config = ServingJobConfig.fromArgs();
        assertThat(config.trustPolicy()).isEmpty();
        assertThat(config.requireSignatures()).isFalse();
        assertThat(config.toString()).contains("trust-policy=none, require-signatures=false");
    }

    @Test
    void thePolicyIsReadOnTheClientAndTravelsWithTheConfig() throws Exception {
        Path policy = new TestPublishers("sensor", "model*").writePolicy(dir);
        ServingJobConfig config =
                ServingJobConfig.fromArgs("--trust-policy", policy.toString(), "--require-signatures");
        assertThat(config.requireSignatures()).isTrue();
        assertThat(config.trustPolicy())
                .hasValueSatisfying(p -> assertThat(p.publisherIds()).containsExactly("ci", "ops"));
        assertThat(config.toString()).contains("trust-policy=[ci, ops], require-signatures=true");
        Files.delete(policy);
        ServingJobConfig copy = InstantiationUtil.clone(config);
        assertThat(copy.trustPolicy().orElseThrow().toProto())
                .isEqualTo(config.trustPolicy().orElseThrow().toProto());
    }

    @Test
    void invalidCombinationsNameTheFlag() throws Exception {
        assertThatThrownBy(() -> ServingJobConfig.fromArgs("--require-signatures"))
                .hasMessageStartingWith("--require-signatures needs --trust-policy")
                .hasMessageEndingWith(ServingJobConfig.USAGE_HINT);
        assertThatThrownBy(() -> ServingJobConfig.fromArgs(
                        "--trust-policy", dir.resolve("none.txtpb").toString()))
                .hasMessageStartingWith("--trust-policy '" + dir.resolve("none.txtpb") + "' cannot be read");
        Files.writeString(dir.resolve("bad.txtpb"), "publishers { id: \"x\" }");
        assertThatThrownBy(() -> ServingJobConfig.fromArgs(
                        "--trust-policy", dir.resolve("bad.txtpb").toString()))
                .hasMessageStartingWith("--trust-policy is not a valid trust policy")
                .hasMessageContaining("publisher 'x': no keys");
    }
}
