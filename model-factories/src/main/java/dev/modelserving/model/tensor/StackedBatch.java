package dev.modelserving.model.tensor;

import dev.modelserving.model.Model;
import dev.modelserving.model.Scored;
import dev.modelserving.model.ScoringException;
import dev.modelserving.proto.DataRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How a tensor model (TensorFlow, ONNX) scores a batch with as few native calls as it can while every record gets
 * exactly the outcome {@link Model#score(DataRecord)} would give it: each record is vectorized and checked on its own
 * first (a record that fails gets a failed outcome and stays out of every call), the records that stack are split
 * into {@link BatchGroups} and each group is scored in one call, and the records of a group whose call cannot be
 * split by row (a failed run, outputs without one row per record), of a group of one, or of a shape that does not
 * stack are scored one by one. The runtimes differ only in the check of one record and in the stacked call.
 */
public final class StackedBatch {

    /** A runtime's check of one record's vector, as its {@code score} makes it. */
    @FunctionalInterface
    public interface FeedCheck {
        /**
         * Whether the vector stacks with others of its shape along a batch dimension.
         *
         * @throws ScoringException the failure {@code score} reports for this record (it cannot be fed at all)
         */
        boolean stacks(InputVector vector) throws ScoringException;
    }

    /** A runtime's native call for a group of records of one shape. */
    @FunctionalInterface
    public interface GroupCall {
        /**
         * Scores the group in one call and fills in the outcomes of its records (at their {@link
         * BatchGroups.Member#index()}); false, with nothing filled in, when the call fails or its outputs cannot be
         * split into one row per record.
         *
         * @param records the whole batch, for runtimes that read a record again
         */
        boolean score(List<BatchGroups.Member> group, List<DataRecord> records, Scored[] outcomes);
    }

    /** The model label of one row of a stacked call's output. */
    @FunctionalInterface
    public interface RowLabel {
        String at(int row) throws ScoringException;
    }

    private StackedBatch() {}

    /**
     * Scores a batch: one outcome per record, in the batch's order.
     *
     * @param model scores a record on its own (a record that does not stack, a group of one, a group whose call
     *     failed)
     * @param vectorizer turns each record into its input vector
     * @param check the runtime's check of one record's vector
     * @param call the runtime's call for a group of stacked records
     */
    public static List<Scored> score(
            List<DataRecord> records, Model model, RecordVectorizer vectorizer, FeedCheck check, GroupCall call) {
        Scored[] outcomes = new Scored[records.size()];
        List<BatchGroups.Member> members = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            try {
                InputVector vector = vectorizer.vectorize(records.get(i));
                if (check.stacks(vector)) {
                    members.add(new BatchGroups.Member(i, vector));
                } else {
                    outcomes[i] = scoreOne(model, records.get(i));
                }
            } catch (ScoringException e) {
                outcomes[i] = Scored.failed(e);
            }
        }
        for (List<BatchGroups.Member> group : BatchGroups.group(members, vectorizer.maxElements())) {
            if (group.size() == 1 || !call.score(group, records, outcomes)) {
                for (BatchGroups.Member member : group) {
                    outcomes[member.index()] = scoreOne(model, records.get(member.index()));
                }
            }
        }
        return Arrays.asList(outcomes);
    }

    /**
     * Fills in the outcomes of a group from a stacked call's primary output, split into one equal row per record; a
     * row whose label or reading fails gets that failure, as {@code score} would report it.
     *
     * @param values the primary output, the group's rows one after the other
     * @param labels the label of each row, or null when the model gives no label
     */
    public static void splitRows(
            List<BatchGroups.Member> group,
            double[] values,
            RowLabel labels,
            OutputInterpreter interpreter,
            Scored[] outcomes) {
        int count = group.size();
        int per = values.length / count;
        for (int row = 0; row < count; row++) {
            int index = group.get(row).index();
            try {
                String label = labels == null ? null : labels.at(row);
                outcomes[index] =
                        Scored.of(interpreter.interpret(Arrays.copyOfRange(values, row * per, (row + 1) * per), label));
            } catch (ScoringException e) {
                outcomes[index] = Scored.failed(e); // as score(): the reading of this record's row failed
            }
        }
    }

    private static Scored scoreOne(Model model, DataRecord record) {
        try {
            return Scored.of(model.score(record));
        } catch (ScoringException e) {
            return Scored.failed(e);
        }
    }
}
