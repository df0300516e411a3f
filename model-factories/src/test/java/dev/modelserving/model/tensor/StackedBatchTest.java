package dev.modelserving.model.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.model.Model;
import dev.modelserving.model.ModelId;
import dev.modelserving.model.Prediction;
import dev.modelserving.model.Scored;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import dev.modelserving.proto.InputSpec;
import dev.modelserving.proto.OutputKind;
import dev.modelserving.proto.OutputSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batch plan the TensorFlow and ONNX models share: which records go into a stacked call, which are scored alone,
 * and that a failed call leaves every record of its group with its one-by-one outcome. The "runtime" here sums a
 * record's values: alone it gives the sum, in a stacked call ten times the sum, so each outcome shows which path
 * scored it.
 */
class StackedBatchTest {

    /** Scores a record on its own: the sum of its packed vector. */
    private static final class SumModel implements Model {
        private final List<DataRecord> scored = new ArrayList<>();

        @Override
        public ModelId id() {
            throw new UnsupportedOperationException("not needed here");
        }

        @Override
        public Prediction score(DataRecord record) {
            scored.add(record);
            double sum = 0;
            for (float v : record.getVectorList()) {
                sum += v;
            }
            return Prediction.score(sum);
        }

        @Override
        public void close() {}
    }

    /** Records of two values stack; one value does not stack; three values cannot be fed at all. */
    private static boolean check(InputVector vector) throws ScoringException {
        if (vector.values().length == 3) {
            throw new ScoringException("three values do not fit");
        }
        return vector.values().length == 2;
    }

    private static DataRecord record(float... values) {
        DataRecord.Builder b = DataRecord.newBuilder();
        for (float v : values) {
            b.addVector(v);
        }
        return b.build();
    }

    private static double value(Scored scored) {
        assertThat(scored.ok()).as("scored: %s", scored).isTrue();
        return scored.prediction().outputs()[0];
    }

    private final List<List<Integer>> calls = new ArrayList<>();

    /** The stacked call: ten times each record's sum, filled in at each member's index. */
    private boolean stackedTimesTen(List<BatchGroups.Member> group, List<DataRecord> records, Scored[] outcomes) {
        calls.add(group.stream().map(BatchGroups.Member::index).toList());
        for (BatchGroups.Member member : group) {
            double sum = 0;
            for (float v : member.vector().values()) {
                sum += v;
            }
            outcomes[member.index()] = Scored.of(Prediction.score(10 * sum));
        }
        return true;
    }

    private final List<DataRecord> batch =
            List.of(record(1, 2), record(3), record(4, 5), record(6, 7, 8), record(9, 10));

    @Test
    void stackableRecordsGoIntoOneCallOthersAloneAndUnfeedableOnesFail() throws Exception {
        SumModel model = new SumModel();
        RecordVectorizer vectorizer = new RecordVectorizer(InputSpec.getDefaultInstance());

        List<Scored> outcomes =
                StackedBatch.score(batch, model, vectorizer, StackedBatchTest::check, this::stackedTimesTen);

        assertThat(calls).containsExactly(List.of(0, 2, 4));
        assertThat(value(outcomes.get(0))).isEqualTo(30);
        assertThat(value(outcomes.get(1))).isEqualTo(3);
        assertThat(value(outcomes.get(2))).isEqualTo(90);
        assertThat(outcomes.get(3).failure()).hasMessage("three values do not fit");
        assertThat(value(outcomes.get(4))).isEqualTo(190);
        assertThat(model.scored).containsExactly(batch.get(1));
    }

    @Test
    void aFailedCallLeavesEveryRecordOfItsGroupToBeScoredAlone() throws Exception {
        SumModel model = new SumModel();
        RecordVectorizer vectorizer = new RecordVectorizer(InputSpec.getDefaultInstance());

        List<Scored> outcomes = StackedBatch.score(batch, model, vectorizer, StackedBatchTest::check, (g, r, o) -> {
            calls.add(g.stream().map(BatchGroups.Member::index).toList());
            return false;
        });

        assertThat(calls).containsExactly(List.of(0, 2, 4));
        assertThat(value(outcomes.get(0))).isEqualTo(3);
        assertThat(value(outcomes.get(2))).isEqualTo(9);
        assertThat(value(outcomes.get(4))).isEqualTo(19);
        assertThat(outcomes.get(3).ok()).isFalse();
    }

    @Test
    void aGroupOfOneAndGroupsBeyondTheBoundAreScoredWithoutACallForOne() throws Exception {
        SumModel model = new SumModel();
        // At most 4 values per call: the three records of two values form a group of two and a group of one.
        RecordVectorizer vectorizer = new RecordVectorizer(InputSpec.getDefaultInstance(), 4);

        List<Scored> outcomes =
                StackedBatch.score(batch, model, vectorizer, StackedBatchTest::check, this::stackedTimesTen);

        assertThat(calls).containsExactly(List.of(0, 2));
        assertThat(value(outcomes.get(0))).isEqualTo(30);
        assertThat(value(outcomes.get(2))).isEqualTo(90);
        assertThat(value(outcomes.get(4))).isEqualTo(19);
        assertThat(model.scored).containsExactly(batch.get(1), batch.get(4));
    }

    @Test
    void rowsAreSplitEvenlyAndARowWhoseLabelFailsGetsThatFailure() {
        List<BatchGroups.Member> group = List.of(
                new BatchGroups.Member(2, new InputVector(new float[] {0}, new long[] {1})),
                new BatchGroups.Member(0, new InputVector(new float[] {0}, new long[] {1})));
        OutputInterpreter interpreter = new OutputInterpreter(OutputSpec.newBuilder()
                .setKind(OutputKind.CLASSIFICATION)
                .addAllLabels(List.of("no", "yes"))
                .build());
        Scored[] outcomes = new Scored[3];

        StackedBatch.splitRows(
                group,
                new double[] {0.2, 0.8, 0.9, 0.1},
                row -> {
                    if (row == 1) {
                        throw new ScoringException("label of row 1 unreadable");
                    }
                    return "yes";
                },
                interpreter,
                outcomes);

        assertThat(outcomes[2].prediction().label()).isEqualTo("yes");
        assertThat(outcomes[2].prediction().probabilities())
                .containsEntry("no", 0.2)
                .containsEntry("yes", 0.8);
        assertThat(outcomes[0].failure()).hasMessage("label of row 1 unreadable");
        assertThat(outcomes[1]).isNull();

        StackedBatch.splitRows(group, new double[] {0.2, 0.8, 0.9, 0.1}, null, interpreter, outcomes);
        assertThat(outcomes[0].prediction().label()).isEqualTo("no");
        assertThat(outcomes[0].prediction().outputs()).containsExactly(0.9, 0.1);
    }
}
