package dev.modelserving.model.pmml;

import static dev.modelserving.model.pmml.PmmlDescriptors.descriptor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.proto.ModelDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Artifacts that are not usable PMML become INVALID_ARTIFACT with a clear reason; DOCTYPEs are refused. */
class PmmlBadArtifactTest {

    private static final ModelDescriptor DESCRIPTOR =
            descriptor("bad", PmmlDocuments.IRIS_REGRESSION).build();

    private static AbstractThrowableAssert<?, ? extends Throwable> assertLoading(byte[] bytes) {
        return assertThatThrownBy(() ->
                        new PmmlModelFactory().create(DESCRIPTOR, ModelArtifact.ofBytes(bytes), LoadPolicy.defaults()))
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.INVALID_ARTIFACT));
    }

    @Test
    void randomBytesAreNotAPmmlDocument() {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        assertLoading(noise).hasMessageContaining("not a PMML document: ");
    }

    @Test
    void emptyBytesAreNotAPmmlDocument() {
        assertLoading(new byte[0]).hasMessageContaining("not a PMML document: the artifact is empty");
    }

    @Test
    void truncatedDocumentIsNotAPmmlDocument() {
        byte[] whole = PmmlDocuments.bytes(PmmlDocuments.IRIS_REGRESSION);
        assertLoading(Arrays.copyOf(whole, whole.length / 2))
                .hasMessageContaining("not a PMML document: ")
                .hasMessageContaining("line ");
    }

    @Test
    void otherXmlIsNotAPmmlDocumentAndTheMessageStaysShort() {
        assertLoading("<html><body>hello</body></html>".getBytes(StandardCharsets.UTF_8))
                .hasMessageContaining("not a PMML document: ")
                .hasMessageContaining("html")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(500));
    }

    @Test
    void pmmlWithoutAModelCannotBeUsed() {
        assertLoading(PmmlDocuments.bytes(PmmlDocuments.NO_MODEL)).hasMessageContaining("Model");
    }

    @Test
    void doctypeWithAnExternalEntityIsRefusedAndTheEntityIsNeverRead(@TempDir Path dir) throws Exception {
        String secret = "s3cr3t-" + new Random().nextLong();
        Path file = Files.writeString(dir.resolve("secret.txt"), secret);
        String document = PmmlDocuments.withExternalEntity(file.toUri().toString());
        assertThat(document).contains("<!DOCTYPE PMML").contains("&secret;");

        for (byte[] bytes : new byte[][] {
            document.getBytes(StandardCharsets.UTF_8),
            document.replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"").getBytes(StandardCharsets.UTF_16)
        }) {
            assertLoading(bytes)
                    .hasMessageContaining("PMML with a DOCTYPE is refused")
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
                            assertThat(t.toString()).doesNotContain(secret);
                        }
                    });
        }
    }

    @Test
    void directoryArtifactIsRefused(@TempDir Path dir) {
        assertThatThrownBy(() -> new PmmlModelFactory()
                        .create(DESCRIPTOR, ModelArtifact.ofDirectory(dir), LoadPolicy.defaults()))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(ModelProblem.INVALID_ARTIFACT))
                .hasMessageContaining("directory");
    }

    @Test
    void randomBytesThroughTheLoaderAreAnInvalidArtifact() {
        byte[] noise = new byte[512];
        new Random(7).nextBytes(noise);
        ModelDescriptor d = DESCRIPTOR.toBuilder()
                .setArtifactBytes(ByteString.copyFrom(noise))
                .build();
        assertThatThrownBy(() -> PmmlDescriptors.loader().load(d))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(ModelProblem.INVALID_ARTIFACT))
                .hasMessageContaining("not a PMML document");
    }
}
