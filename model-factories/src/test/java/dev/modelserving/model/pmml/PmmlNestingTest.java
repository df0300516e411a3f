package dev.modelserving.model.pmml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.model.ModelLoadException;
import dev.modelserving.model.ModelProblem;
import dev.modelserving.proto.DataRecord;
import org.junit.jupiter.api.Test;

/**
 * A PMML document nested thousands of levels deep loads with JAXB but overflows the stack of the thread that scores
 * it (JPMML evaluates expressions by recursion): it is refused at load instead, and ordinary nesting still scores.
 */
class PmmlNestingTest {

    private static final DataRecord X_IS_1 =
            DataRecord.newBuilder().setId("r").putFeatures("x", 1.0).build();

    /** {@code y = x + 1 + 1 + ...}: {@code depth} nested {@code Apply} elements. */
    static String nestedSum(int depth) {
        StringBuilder expression = new StringBuilder();
        expression
                .append("<Apply function=\"+\">".repeat(depth))
                .append("<FieldRef field=\"x\"/>")
                .append("<Constant dataType=\"double\">1</Constant></Apply>".repeat(depth));
        String document = PmmlDocuments.applying("+", null);
        String shallow = "<Apply function=\"+\"><FieldRef field=\"x\"/></Apply>";
        assertThat(document).contains(shallow);
        return document.replace(shallow, expression);
    }

    @Test
    void expressionNestedThousandsDeepIsRefusedAtLoad() {
        // Before the bound this loaded, and scoring threw StackOverflowError on a thread with the default stack.
        assertThatThrownBy(() -> PmmlDescriptors.create(
                        PmmlDescriptors.descriptor("deep", nestedSum(3000)).build()))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(ModelProblem.INVALID_ARTIFACT))
                .hasMessageContainingAll("nests elements deeper than " + PmmlNestingCheck.MAX_DEPTH, "<Apply>");
    }

    @Test
    void nestingJustBelowTheBoundScoresOnASmallStack() throws Exception {
        int depth = PmmlNestingCheck.MAX_DEPTH - 10;
        PmmlModel model = PmmlDescriptors.create(
                PmmlDescriptors.descriptor("deep", nestedSum(depth)).build());
        double[] scored = new double[1];
        Throwable[] failure = new Throwable[1];
        // A thread with half the usual stack: the bound leaves room for the frames of the Flink task thread.
        Thread scorer = new Thread(
                null,
                () -> {
                    try {
                        scored[0] = model.score(X_IS_1).outputs()[0];
                    } catch (Throwable e) { // the assertion below reports it: a StackOverflowError is what this test
                        // catches
                        failure[0] = e;
                    }
                },
                "small-stack-scorer",
                512 * 1024);
        scorer.start();
        scorer.join();
        model.close();
        assertThat(failure[0]).isNull();
        assertThat(scored[0]).isCloseTo(1.0 + depth, within(1e-9));
    }

    @Test
    void documentThatIsNotXmlIsStillReportedByTheLoader() {
        assertThatThrownBy(() -> PmmlDescriptors.create(
                        PmmlDescriptors.descriptor("junk", "<PMML><unclosed").build()))
                .isInstanceOfSatisfying(
                        ModelLoadException.class, e -> assertThat(e.problem()).isEqualTo(ModelProblem.INVALID_ARTIFACT))
                .hasMessageContaining("not a PMML document");
    }
}
