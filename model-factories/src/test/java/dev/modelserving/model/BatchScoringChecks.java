package dev.modelserving.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelserving.proto.DataRecord;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What the batch scoring tests of every runtime (TensorFlow, ONNX) check of {@link Model#scoreBatch}: how many native
 * runs a batch took, and that each record's outcome is what {@link Model#score} gives it alone (to float precision),
 * a bad record failing on its own with the same message.
 */
public final class BatchScoringChecks {

    /** How far a batch output may stand from the single-record output (the runtimes compute in float32). */
    public static final double TOLERANCE = 1e-6;

    private BatchScoringChecks() {}

    /**
     * Scores {@code records} in one {@link Model#scoreBatch} call and asserts that it took {@code expectedRuns}
     * native runs as counted by {@code nativeRuns} ({@code why} says why that many).
     */
    public static List<Scored> scoreBatchInRuns(
            Model model, LongSupplier nativeRuns, List<DataRecord> records, long expectedRuns, String why) {
        long before = nativeRuns.getAsLong();
        List<Scored> batch = model.scoreBatch(records);
        assertThat(nativeRuns.getAsLong() - before).as(why).isEqualTo(expectedRuns);
        return batch;
    }

    /** Asserts one outcome per record, each the same as {@link Model#score} of the record alone. */
    public static void assertSameAsOneByOne(Model model, List<DataRecord> records, List<Scored> batch) {
        assertThat(batch).hasSize(records.size());
        for (int i = 0; i < records.size(); i++) {
            Prediction single;
            try {
                single = model.score(records.get(i));
            } catch (ScoringException e) {
                assertThat(batch.get(i).ok())
                        .as("record %d fails alone, so in the batch", i)
                        .isFalse();
                assertThat(batch.get(i).failure().getMessage()).isEqualTo(e.getMessage());
                continue;
            }
            Scored scored = batch.get(i);
            assertThat(scored.ok()).as("record %d", i).isTrue();
            assertThat(scored.prediction().label()).isEqualTo(single.label());
            assertThat(scored.prediction().outputs()).hasSameSizeAs(single.outputs());
            for (int j = 0; j < single.outputs().length; j++) {
                assertThat(scored.prediction().outputs()[j]).isCloseTo(single.outputs()[j], within(TOLERANCE));
            }
        }
    }
}
