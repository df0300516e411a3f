package dev.modelserving.model.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * ONNX models that would make ONNX Runtime read files (external data) or need a custom-op library are refused before a
 * session is created.
 */
class OnnxModelPolicyTest {

    private static final String PASSWD = "/etc/passwd";

    private static void assertRefused(byte[] model, String... messageParts) {
        ThrowingCallable load = () -> OnnxModelFactoryTest.create(OnnxModelFactoryTest.descriptor(
                model,
                InputSpec.newBuilder().addAllFeatureNames(OnnxTestModels.FEATURES),
                OutputSpec.newBuilder().setKind(OutputKind.REGRESSION)));
        assertThatThrownBy(load)
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.DISALLOWED_OPERATION))
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void anExternalInitializerIsRefused() {
        assertRefused(
                OnnxTestModels.regressorWithExternalWeights(PASSWD),
                "external data",
                "tensor 'w' -> '/etc/passwd'",
                "initializer");
        assertRefused(OnnxTestModels.regressorWithExternalWeights("../../weights.bin"), "'../../weights.bin'");
    }

    @Test
    void anExternalConstantAttributeIsRefused() {
        assertRefused(
                OnnxTestModels.regressorWithExternalConstant(PASSWD),
                "tensor 'b' -> '/etc/passwd'",
                "attribute 'value'",
                "(Constant)");
    }

    @Test
    void anExternalTensorInsideAnIfSubgraphIsRefused() {
        assertRefused(
                OnnxTestModels.ifWithExternalTensorInSubgraph(PASSWD),
                "tensor 'w_then'",
                "subgraph attribute 'then_branch'");
    }

    @Test
    void anOpFromACustomDomainIsRefused() {
        assertRefused(
                OnnxTestModels.regressorWithCustomOp("com.example.evil"),
                "com.example.evil:Exfiltrate",
                "custom-op library");
    }

    @Test
    void modelsOfTheStandardDomainsStillLoad() throws Exception {
        for (byte[] model :
                List.of(OnnxTestModels.regressor(), OnnxTestModels.zipMapClassifier(), OnnxTestModels.dynamicSum())) {
            OnnxModelCheck.check(model, "test");
        }
    }

    @Test
    void bytesThatAreNoOnnxModelAreAnInvalidArtifact() {
        assertThatThrownBy(() -> OnnxModelCheck.check(new byte[] {(byte) 0xff, 0x01, 0x02}, "junk"))
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.INVALID_ARTIFACT));
    }

    /** A custom-op library is native code: no production class may register one. */
    @Test
    void noProductionCodeRegistersACustomOpLibrary() throws Exception {
        Path sources = Path.of("src/main/java");
        assertThat(sources).isDirectory();
        try (Stream<Path> files = Files.walk(sources)) {
            List<Path> java = files.filter(f -> f.toString().endsWith(".java")).toList();
            assertThat(java).isNotEmpty();
            for (Path file : java) {
                String code =
                        Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
                assertThat(code)
                        .as(file.toString())
                        .doesNotContain("registerCustomOp")
                        .doesNotContain("CustomOpLibrary");
            }
        }
    }
}
