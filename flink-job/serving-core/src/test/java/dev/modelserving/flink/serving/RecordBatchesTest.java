package dev.modelserving.flink.serving;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Batches close when full, or when a record arrives after the first one waited the timeout; keys are separate. */
class RecordBatchesTest {

    @Test
    void aBatchClosesWhenFullInArrivalOrder() {
        RecordBatches<String> batches = new RecordBatches<>(new BatchSettings(3, 60_000_000));
        assertThat(batches.add("k", "a", 0)).isNull();
        assertThat(batches.add("other", "x", 0))
                .as("another key has its own batch")
                .isNull();
        assertThat(batches.add("k", "b", 0)).isNull();
        RecordBatches.Batch<String> full = batches.add("k", "c", 0);
        assertThat(full.items()).containsExactly("a", "b", "c");
        assertThat(batches.isFull(full)).isTrue();
        assertThat(batches.keys()).containsExactly("other");
    }

    @Test
    void aRecordArrivingAfterTheFirstWaitedTheTimeoutClosesTheBatch() {
        RecordBatches<String> batches = new RecordBatches<>(new BatchSettings(100, 50));
        long start = System.nanoTime();
        assertThat(batches.add("k", "a", 0)).isNull();
        while (System.nanoTime() - start < 100_000) {
            Thread.onSpinWait(); // until the first record has waited more than the 50 µs timeout
        }
        RecordBatches.Batch<String> due = batches.add("k", "b", 0);
        assertThat(due).as("closed by the late arrival, not by size").isNotNull();
        assertThat(due.items()).containsExactly("a", "b");
        assertThat(batches.isFull(due)).isFalse();
        assertThat(due.arrivalNanos().get(1) - due.arrivalNanos().get(0)).isGreaterThanOrEqualTo(50_000);
        assertThat(batches.isEmpty()).isTrue();
    }
}
