package dev.modelserving.job.serve;

import dev.modelserving.flink.serving.ServingOutputs;
import dev.modelserving.proto.ModelEvent;
import dev.modelserving.proto.ModelEventType;
import dev.modelserving.proto.ServingOutput;
import dev.modelserving.proto.ServingResult;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;

/** Reading the outputs of the serving functions' test harnesses, and awaiting background model loads. */
final class ServingHarnesses {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ServingHarnesses() {}

    /** Model events of the keyed function (side output). */
    static List<ModelEvent> keyedEvents(AbstractStreamOperatorTestHarness<ServingResult> harness) {
        var side = harness.getSideOutput(ServingOutputs.MODEL_EVENTS);
        return side == null
                ? List.of()
                : side.stream().map(StreamRecord::getValue).toList();
    }

    /** Results of the partitioned function. */
    static List<ServingResult> partitionedResults(AbstractStreamOperatorTestHarness<ServingOutput> harness) {
        return harness.extractOutputValues().stream()
                .filter(ServingOutput::hasResult)
                .map(ServingOutput::getResult)
                .toList();
    }

    /** Events of the partitioned function. */
    static List<ModelEvent> partitionedEvents(AbstractStreamOperatorTestHarness<ServingOutput> harness) {
        return harness.extractOutputValues().stream()
                .filter(ServingOutput::hasEvent)
                .map(ServingOutput::getEvent)
                .toList();
    }

    static long count(List<ModelEvent> events, ModelEventType type, long version) {
        return events.stream()
                .filter(e -> e.getType() == type && e.getModelVersion() == version)
                .count();
    }

    /**
     * Waits (bounded) until a condition holds, running {@code step} between checks: for the keyed function the
     * step advances processing time so its poll timer fires; for the partitioned one it sends an element.
     */
    static void await(String what, Supplier<Boolean> condition, ThrowingRunnable step) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + TIMEOUT + " waiting for " + what);
            }
            step.run();
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        }
    }

    static <T> Stream<T> nonNull(List<T> list) {
        return list.stream().filter(Objects::nonNull);
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
