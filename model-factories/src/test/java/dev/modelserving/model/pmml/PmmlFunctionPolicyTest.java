package dev.modelserving.model.pmml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.LoadPolicy;
import dev.modelserving.model.Model;
import dev.modelserving.model.ModelArtifact;
import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.ModelDescriptor;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jpmml.evaluator.FunctionRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PMML {@code Apply} functions that JPMML would resolve by loading a Java class are refused before the evaluator is
 * built, and the class never runs; built-ins and the document's own functions still work.
 */
class PmmlFunctionPolicyTest {

    private static final String CLASS_FUNCTION = FileCreatingFunction.class.getName();
    private static final DataRecord X_IS_2 =
            DataRecord.newBuilder().setId("r").putFeatures("x", 2.0).build();

    @TempDir
    Path dir;

    private Path marker;

    @BeforeEach
    void pointTheClassAtAMarkerFile() {
        marker = dir.resolve("created-by-static-initializer");
        System.setProperty(FileCreatingFunction.MARKER, marker.toString());
    }

    @AfterEach
    void clearTheMarker() {
        System.clearProperty(FileCreatingFunction.MARKER);
    }

    private static Model create(String document, LoadPolicy policy) throws ModelLoadException {
        ModelDescriptor descriptor =
                PmmlDescriptors.descriptor("functions", document).build();
        return new PmmlModelFactory().create(descriptor, ModelArtifact.ofBytes(PmmlDocuments.bytes(document)), policy);
    }

    private static void assertRefused(String document, String... messageParts) {
        assertThatThrownBy(() -> create(document, LoadPolicy.defaults()))
                .isInstanceOfSatisfying(
                        ModelLoadException.class,
                        e -> assertThat(e.problem()).isEqualTo(ModelProblem.DISALLOWED_OPERATION))
                .hasMessageContainingAll(messageParts);
    }

    @Test
    void aFunctionNamingAJavaClassIsRefusedAndTheClassNeverRunsUnlessAllowed() throws Exception {
        assertRefused(
                PmmlDocuments.applying("java.lang.System", null),
                "'java.lang.System'",
                "neither PMML built-ins nor defined by the document",
                "--allow-pmml-functions");
        assertRefused(PmmlDocuments.applying(CLASS_FUNCTION, null), "'" + CLASS_FUNCTION + "'");
        assertThat(marker).doesNotExist();
        // A DefineFunction named like the class does not help: JPMML would run the class, not the definition.
        assertRefused(
                PmmlDocuments.applying(CLASS_FUNCTION, CLASS_FUNCTION),
                "DefineFunctions named like Java classes",
                "'" + CLASS_FUNCTION + "'");
        assertThat(marker).doesNotExist();

        // Allowed explicitly, JPMML loads the class (its static initializer creates the file) and evaluates it.
        try (Model model = create(
                PmmlDocuments.applying(CLASS_FUNCTION, null),
                LoadPolicy.defaults().withAllowedPmmlFunctions(List.of(CLASS_FUNCTION)))) {
            assertThat(model.score(X_IS_2).outputs()[0]).isCloseTo(6.0, within(1e-12));
        }
        assertThat(marker).exists();
    }

    @Test
    void anUnknownFunctionIsRefusedAtLoad() {
        assertRefused(PmmlDocuments.applying("no-such-function", null), "'no-such-function'");
    }

    @Test
    void builtInsAndTheDocumentsOwnFunctionsLoadAndScore() throws Exception {
        try (Model model = create(PmmlDocuments.applying("double_it", "double_it"), LoadPolicy.defaults())) {
            assertThat(model.score(X_IS_2).outputs()[0]).isCloseTo(4.0, within(1e-12));
        }
        try (Model model = create(PmmlDocuments.applying("sqrt", null), LoadPolicy.defaults())) {
            assertThat(model.score(X_IS_2).outputs()[0]).isCloseTo(Math.sqrt(2), within(1e-12));
        }
        try (Model model = create(PmmlDocuments.IRIS_REGRESSION, LoadPolicy.defaults())) {
            assertThat(model.score(DataRecord.newBuilder()
                                    .putFeatures("sepal length (cm)", 5)
                                    .putFeatures("petal length (cm)", 1)
                                    .build())
                            .outputs()[0])
                    .isCloseTo(-0.3 - 0.21 * 5 + 0.53, within(1e-12));
        }
    }

    /** The shipped list must be JPMML's own table of built-ins: a JPMML upgrade that changes it fails here. */
    @Test
    void theBuiltInListIsJpmmlsOwn() throws Exception {
        Field table = FunctionRegistry.class.getDeclaredField("pmmlFunctions");
        table.setAccessible(true);
        Map<?, ?> jpmml = (Map<?, ?>) table.get(null);
        assertThat(PmmlFunctionCheck.builtIns())
                .hasSize(jpmml.size())
                .containsExactlyInAnyOrderElementsOf(
                        jpmml.keySet().stream().map(String::valueOf).toList());
    }
}
