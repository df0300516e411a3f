package dev.modelserving.model.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.model.Prediction;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputInterpreterTest {

    private static OutputInterpreter of(OutputKind kind, String... labels) {
        return new OutputInterpreter(OutputSpec.newBuilder()
                .setKind(kind)
                .addAllLabels(List.of(labels))
                .build());
    }

    @Test
    void autoReadsOneValueAsScoreAndSeveralAsVector() throws Exception {
        assertThat(of(OutputKind.OUTPUT_KIND_AUTO).interpret(new double[] {1.5}, null))
                .isEqualTo(Prediction.score(1.5));
        Prediction v = of(OutputKind.OUTPUT_KIND_AUTO).interpret(new double[] {1, 2}, null);
        assertThat(v.outputs()).containsExactly(1, 2);
        assertThat(v.label()).isNull();
    }

    @Test
    void classificationTakesArgmaxWithLabels() throws Exception {
        Prediction p = of(OutputKind.CLASSIFICATION, "cat", "dog", "cow").interpret(new double[] {0.2, 0.7, 0.1}, null);
        assertThat(p.label()).isEqualTo("dog");
        assertThat(p.probabilities())
                .containsExactly(
                        org.assertj.core.api.Assertions.entry("cat", 0.2),
                        org.assertj.core.api.Assertions.entry("dog", 0.7),
                        org.assertj.core.api.Assertions.entry("cow", 0.1));
        assertThat(p.outputs()).containsExactly(0.2, 0.7, 0.1);
        assertThat(of(OutputKind.CLASSIFICATION)
                        .interpret(new double[] {0.1, 0.9}, null)
                        .label())
                .isEqualTo("1");
    }

    @Test
    void singleProbabilityIsThePositiveClass() throws Exception {
        Prediction p = of(OutputKind.CLASSIFICATION).interpret(new double[] {0.8}, null);
        assertThat(p.label()).isEqualTo("1");
        assertThat(p.probabilities().get("0")).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(of(OutputKind.CLASSIFICATION)
                        .interpret(new double[] {0.3}, null)
                        .label())
                .isEqualTo("0");
    }

    @Test
    void modelLabelWinsAndLabelCountMustMatch() throws Exception {
        assertThat(of(OutputKind.CLASSIFICATION)
                        .interpret(new double[] {0.9, 0.1}, "7")
                        .label())
                .isEqualTo("7");
        assertThatThrownBy(() -> of(OutputKind.CLASSIFICATION, "a", "b").interpret(new double[] {0.1, 0.2, 0.7}, null))
                .hasMessageContaining("3 class probabilities")
                .hasMessageContaining("2 labels");
        assertThatThrownBy(() -> of(OutputKind.REGRESSION).interpret(new double[0], null))
                .hasMessageContaining("empty");
    }
}
