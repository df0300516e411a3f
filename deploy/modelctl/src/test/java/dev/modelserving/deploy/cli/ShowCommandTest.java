package dev.modelserving.deploy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import dev.modelserving.model.Checksums;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.ModelDescriptor;
import dev.modelserving.proto.ModelType;
import dev.modelserving.proto.Provenance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelctl show}: JSON with the artifact bytes summarised, never dumped. */
class ShowCommandTest {

    @TempDir
    Path dir;

    @Test
    void printsJsonWithTheBytesReplacedByTheirSizeAndHash() throws Exception {
        byte[] artifact = new byte[300_000];
        new Random(3).nextBytes(artifact);
        ModelDescriptor descriptor = ModelDescriptor.newBuilder()
                .setName("mnist")
                .setVersion(4)
                .setDataType("images")
                .setModelType(ModelType.ONNX)
                .setDescription("digits")
                .setArtifactBytes(ByteString.copyFrom(artifact))
                .setArtifactSha256(Checksums.sha256Hex(artifact))
                .setInput(InputSpec.newBuilder().setTensorName("x").addShape(28).addShape(28))
                .setProvenance(Provenance.newBuilder().setCodeVersion("v1"))
                .build();
        Path file = dir.resolve("mnist.desc");
        Files.write(file, descriptor.toByteArray());

        CliRunner.Result shown = CliRunner.run("show", file.toString());

        assertThat(shown.exitCode()).as(shown.err()).isZero();
        assertThat(shown.err()).isEmpty();
        assertThat(shown.out())
                .hasSizeLessThan(2_000)
                .doesNotContain(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(artifact, 30)))
                .contains("\"artifact_bytes\": {\"size_bytes\": 300000, \"sha256\": \"" + Checksums.sha256Hex(artifact))
                .contains("\"name\": \"mnist\"", "\"tensor_name\": \"x\"", "\"code_version\": \"v1\"");
        // Valid JSON in field order: without the summary line it parses back to the descriptor minus its bytes.
        String withoutBytes = shown.out()
                .lines()
                .filter(l -> !l.contains("\"artifact_bytes\""))
                .reduce("", (a, b) -> a + b + "\n");
        ModelDescriptor.Builder parsed = ModelDescriptor.newBuilder();
        JsonFormat.parser().merge(withoutBytes, parsed);
        assertThat(parsed.build())
                .isEqualTo(descriptor.toBuilder().clearArtifactBytes().build());
        assertThat(shown.out().indexOf("\"description\""))
                .isLessThan(shown.out().indexOf("\"artifact_bytes\""));
        assertThat(shown.out().indexOf("\"artifact_bytes\""))
                .isLessThan(shown.out().indexOf("\"artifact_sha256\""));
    }

    @Test
    void aDescriptorWhoseLastFieldIsTheBytesIsStillValidJson() throws Exception {
        ModelDescriptor descriptor = ModelDescriptor.newBuilder()
                .setName("m")
                .setArtifactBytes(ByteString.copyFromUtf8("abc"))
                .build();
        Path file = dir.resolve("m.desc");
        Files.write(file, descriptor.toByteArray());

        CliRunner.Result shown = CliRunner.run("show", file.toString());

        assertThat(shown.exitCode()).isZero();
        assertThat(shown.out().strip())
                .isEqualTo("{\n  \"name\": \"m\",\n  \"artifact_bytes\": {\"size_bytes\": 3," + " \"sha256\": \""
                        + Checksums.sha256Hex("abc".getBytes()) + "\", \"omitted\": true}\n}");
    }

    @Test
    void aLocationDescriptorIsShownAsItIs() throws Exception {
        ModelDescriptor descriptor = ModelDescriptor.newBuilder()
                .setName("m")
                .setVersion(1)
                .setArtifactLocation("/models/m.onnx")
                .build();
        Path file = dir.resolve("m.desc");
        Files.write(file, descriptor.toByteArray());

        CliRunner.Result shown = CliRunner.run("show", file.toString());

        assertThat(shown.exitCode()).isZero();
        ModelDescriptor.Builder parsed = ModelDescriptor.newBuilder();
        JsonFormat.parser().merge(shown.out(), parsed);
        assertThat(parsed.build()).isEqualTo(descriptor);
    }
}
